package io.prometheusrelay.tsdb.head;

import java.util.List;

import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;

/** Everything one head series holds, as a checkpoint keeps it. */
public record SeriesState(int ref, Labels labels, List<TimedChunk> chunks, List<Sample> outOfOrder,
		List<Exemplar> exemplars, List<CreatedRange> created) {
}
