package io.prometheusrelay.apiserver.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SegmentStore} lays out and keeps its files.
 *
 * @param dataDir directory the store owns (locked against a second instance)
 * @param fsyncPolicy when appends are forced to disk
 * @param fsyncInterval for {@link FsyncPolicy#INTERVAL}, the longest time between fsyncs
 * @param segmentMaxBytes a segment is rolled once it holds this many bytes
 * @param segmentMaxAge a segment is rolled once it is this old
 * @param retentionMaxAge segments whose newest record is older than this are deleted
 * @param retentionMaxBytes oldest segments are deleted while all segments together exceed this
 * @param maxQueuedAppends appends waiting for the writer; past it, appends are refused as busy
 * @param deduplicate whether a batch delivered again is acknowledged without a second copy while the
 * store holds the first
 */
public record StoreOptions(Path dataDir, FsyncPolicy fsyncPolicy, Duration fsyncInterval, long segmentMaxBytes,
		Duration segmentMaxAge, Duration retentionMaxAge, long retentionMaxBytes, int maxQueuedAppends,
		boolean deduplicate) {

	public StoreOptions {
		Objects.requireNonNull(dataDir, "dataDir");
		Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
		if (segmentMaxBytes <= SegmentFormat.HEADER.length) {
			throw new IllegalArgumentException("segmentMaxBytes must exceed the segment header");
		}
		if (retentionMaxBytes < segmentMaxBytes) {
			throw new IllegalArgumentException("retentionMaxBytes (" + retentionMaxBytes
					+ ") must be at least segmentMaxBytes (" + segmentMaxBytes + ")");
		}
		if (maxQueuedAppends < 1) {
			throw new IllegalArgumentException("maxQueuedAppends must be positive");
		}
	}

}
