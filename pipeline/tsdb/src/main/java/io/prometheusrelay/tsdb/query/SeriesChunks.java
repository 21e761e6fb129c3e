package io.prometheusrelay.tsdb.query;

import java.util.List;

import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.model.Labels;

/** A series as one source holds it in a time range: its labels and the chunks that overlap the range. */
public record SeriesChunks(Labels labels, List<TimedChunk> chunks) {
}
