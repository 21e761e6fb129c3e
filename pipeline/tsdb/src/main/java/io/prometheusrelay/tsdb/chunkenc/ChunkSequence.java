package io.prometheusrelay.tsdb.chunkenc;

import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Sample;
import org.jspecify.annotations.Nullable;

/**
 * One series' samples, in time order, cut into chunks as Prometheus cuts them: a new chunk when the
 * open one is full, when the kind of sample changes, or when a histogram cannot join the open chunk.
 */
public final class ChunkSequence {

	private final List<TimedChunk> closed = new ArrayList<>();

	private @Nullable ChunkBuilder open;

	public void appendFloat(long t, double v) {
		XorChunkBuilder xor = (this.open instanceof XorChunkBuilder open && !open.isFull()) ? open
				: (XorChunkBuilder) cutTo(new XorChunkBuilder());
		xor.append(t, v);
	}

	public void appendHistogram(long t, Histogram h) {
		if (this.open instanceof HistogramChunkBuilder builder && !builder.isFull() && builder.tryAppend(t, h)) {
			return;
		}
		((HistogramChunkBuilder) cutTo(new HistogramChunkBuilder())).tryAppend(t, h);
	}

	public void appendFloatHistogram(long t, FloatHistogram h) {
		if (this.open instanceof FloatHistogramChunkBuilder builder && !builder.isFull() && builder.tryAppend(t, h)) {
			return;
		}
		((FloatHistogramChunkBuilder) cutTo(new FloatHistogramChunkBuilder())).tryAppend(t, h);
	}

	public void append(Sample sample) {
		switch (sample.type()) {
			case FLOAT -> appendFloat(sample.timestamp(), sample.value());
			case HISTOGRAM -> appendHistogram(sample.timestamp(), sample.histogram());
			case FLOAT_HISTOGRAM -> appendFloatHistogram(sample.timestamp(), sample.floatHistogram());
			case NONE -> throw new IllegalArgumentException("No sample to append");
		}
	}

	/** Closes the open chunk, so that the next sample starts a new one. */
	public void cut() {
		if (this.open != null && !this.open.isEmpty()) {
			this.open.trim();
			this.closed.add(this.open.toTimedChunk());
		}
		this.open = null;
	}

	/** Every chunk, the open one closed. */
	public List<TimedChunk> finish() {
		cut();
		return List.copyOf(this.closed);
	}

	private ChunkBuilder cutTo(ChunkBuilder next) {
		cut();
		this.open = next;
		return next;
	}

}
