package io.prometheusrelay.tsdb.query;

import java.util.List;

import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Labels;

/**
 * A series as a source holds it in a time range: its labels, the chunks that overlap the range, and
 * its exemplars and created-timestamp ranges there.
 */
public record SeriesChunks(Labels labels, List<TimedChunk> chunks, List<Exemplar> exemplars,
		List<CreatedRange> created) {

	public SeriesChunks(Labels labels, List<TimedChunk> chunks) {
		this(labels, chunks, List.of(), List.of());
	}

	public boolean isEmpty() {
		return this.chunks.isEmpty() && this.exemplars.isEmpty();
	}

	/** The created timestamp of the sample at {@code t}, 0 when none was sent. */
	public long createdTimestampAt(long t) {
		for (CreatedRange range : this.created) {
			if (range.contains(t)) {
				return range.createdTimestamp();
			}
		}
		return 0;
	}

}
