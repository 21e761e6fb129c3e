package io.prometheusrelay.tsdb.index;

import java.util.List;

import io.prometheusrelay.tsdb.chunks.ChunkMeta;
import io.prometheusrelay.tsdb.model.Labels;

/** One series of an index: its labels and its chunks, in time order. */
public record IndexSeries(Labels labels, List<ChunkMeta> chunks) {
}
