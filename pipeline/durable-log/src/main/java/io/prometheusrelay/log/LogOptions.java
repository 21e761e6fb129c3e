package io.prometheusrelay.log;

import java.nio.file.Path;

/**
 * Where a log lives and how its segments are cut.
 * @param dir the directory of the segment files (created if missing; the owner locks it)
 * @param magic the first four bytes of every segment, which say what log this is
 * @param suffix the file name suffix of the segments, for example {@code .wal}
 * @param segmentMaxBytes a segment is closed once it holds this much
 */
public record LogOptions(Path dir, int magic, String suffix, long segmentMaxBytes) {
}
