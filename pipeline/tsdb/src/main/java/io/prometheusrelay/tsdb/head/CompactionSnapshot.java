package io.prometheusrelay.tsdb.head;

import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.tsdb.chunkenc.ChunkSequence;
import io.prometheusrelay.tsdb.chunkenc.SampleIterator;
import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.ValueType;
import io.prometheusrelay.tsdb.query.MergedSamples;

/**
 * What one series gives the block that ends at {@code maxTime}: its in-order chunks in the block's
 * range, its out-of-order samples there ({@link #blockChunks} merges the two when there are both), and
 * its exemplars and created ranges there.
 */
public record CompactionSnapshot(HeadSeries series, long maxTime, List<TimedChunk> chunks, List<Sample> outOfOrder,
		List<Exemplar> exemplars, List<CreatedRange> created) {

	public Labels labels() {
		return this.series.labels();
	}

	public boolean isEmpty() {
		return this.chunks.isEmpty() && this.outOfOrder.isEmpty() && this.exemplars.isEmpty();
	}

	/** The chunks to write: the head's as they are, or, with out-of-order samples, all of them cut anew. */
	public List<TimedChunk> blockChunks() {
		if (this.outOfOrder.isEmpty()) {
			return this.chunks;
		}
		ChunkSequence late = new ChunkSequence();
		this.outOfOrder.forEach(late::append);
		List<TimedChunk> all = new ArrayList<>(this.chunks);
		all.addAll(late.finish());
		ChunkSequence merged = new ChunkSequence();
		SampleIterator samples = new MergedSamples(all, Long.MIN_VALUE, Long.MAX_VALUE);
		for (ValueType type = samples.next(); type != ValueType.NONE; type = samples.next()) {
			merged.append(samples.sample(type));
		}
		return merged.finish();
	}

	/** Drops the snapshot's data from the head, now that it is in a block. */
	public void release() {
		this.series.release(this);
	}

}
