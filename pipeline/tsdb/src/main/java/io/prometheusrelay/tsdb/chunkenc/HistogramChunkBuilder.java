package io.prometheusrelay.tsdb.chunkenc;

import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.StaleNaN;

/**
 * An open chunk of integer histograms, in Prometheus's histogram encoding: the layout once, then per
 * sample the timestamp, count, zero count and every bucket as delta-of-deltas ({@link Varbit}), and
 * the sum XORed.
 * <p>
 * A histogram joins the chunk only if it has the chunk's exact layout and, in a counter chunk, no
 * counter went down and it does not say it reset; in a gauge chunk only gauges join. Otherwise
 * {@link #tryAppend} refuses it and the caller starts a new chunk, whose header then carries the
 * histogram's own reset hint. So a histogram reads back exactly as written, except that the hint of
 * one that joined a chunk reads as {@link ResetHint#NO} (which it was, as nothing went down). Prometheus
 * recodes a chunk when buckets appear instead of cutting it, and pads a histogram whose buckets
 * disappear: it compresses a little better and changes the layout read back; here the layout is kept.
 */
public final class HistogramChunkBuilder extends ChunkBuilder {

	private static final int TARGET_BYTES = 1024;

	private static final int MIN_SAMPLES = 10;

	private HistogramLayout layout;

	private boolean gauge;

	private boolean lastStale;

	private long timestamp;

	private long timestampDelta;

	private long count;

	private long countDelta;

	private long zeroCount;

	private long zeroCountDelta;

	private long[] positive = new long[0];

	private long[] positiveDelta = new long[0];

	private long[] negative = new long[0];

	private long[] negativeDelta = new long[0];

	private XorValue sum;

	public HistogramChunkBuilder() {
		super(3);
	}

	@Override
	public ChunkEncoding encoding() {
		return ChunkEncoding.HISTOGRAM;
	}

	/** Prometheus's rule for histogram chunks: about 1 KiB, and at least 10 samples; here at most 120. */
	@Override
	public boolean isFull() {
		return this.numSamples >= SAMPLES_PER_CHUNK
				|| (this.numSamples >= MIN_SAMPLES && this.out.length() >= TARGET_BYTES);
	}

	/**
	 * Appends {@code h} at {@code t} (later than the last sample) if it belongs in this chunk.
	 * @return false, with nothing appended, when it must start a chunk of its own
	 */
	public boolean tryAppend(long t, Histogram h) {
		if (this.numSamples == 0) {
			this.layout = HistogramLayout.of(h);
			this.gauge = h.isGauge();
			recordSample(t);
			this.out.setByte(2, HistogramLayout.headerBits(h.resetHint()));
			this.layout.write(this.out);
			writeFirst(t, h);
			return true;
		}
		if (!belongs(h)) {
			return false;
		}
		recordSample(t);
		writeNext(t, h);
		return true;
	}

	private boolean belongs(Histogram h) {
		if (this.gauge != h.isGauge() && !h.isStale()) {
			return false;
		}
		if (h.isStale()) {
			return true;
		}
		if (this.lastStale || h.resetHint() == ResetHint.YES) {
			return false;
		}
		if (!this.layout.sameAs(h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(),
				h.customValues())) {
			return false;
		}
		return this.gauge || !counterWentDown(h);
	}

	private boolean counterWentDown(Histogram h) {
		return Long.compareUnsigned(h.count(), this.count) < 0 || Long.compareUnsigned(h.zeroCount(), this.zeroCount) < 0
				|| bucketWentDown(this.positive, h.positiveDeltas()) || bucketWentDown(this.negative, h.negativeDeltas());
	}

	private static boolean bucketWentDown(long[] previousDeltas, long[] deltas) {
		long previous = 0;
		long current = 0;
		for (int i = 0; i < deltas.length; i++) {
			previous += previousDeltas[i];
			current += deltas[i];
			if (current < previous) {
				return true;
			}
		}
		return false;
	}

	private void writeFirst(long t, Histogram h) {
		this.lastStale = h.isStale();
		long count = this.lastStale ? 0 : h.count();
		long zeroCount = this.lastStale ? 0 : h.zeroCount();
		Varbit.putInt(this.out, t);
		Varbit.putUint(this.out, count);
		Varbit.putUint(this.out, zeroCount);
		long sumBits = Double.doubleToRawLongBits(h.sum());
		this.out.writeBits(sumBits, 64);
		this.sum = XorValue.forWriting(sumBits);
		this.positive = new long[this.layout.positiveBuckets()];
		this.positiveDelta = new long[this.positive.length];
		this.negative = new long[this.layout.negativeBuckets()];
		this.negativeDelta = new long[this.negative.length];
		if (!this.lastStale) {
			for (long bucket : h.positiveDeltas()) {
				Varbit.putInt(this.out, bucket);
			}
			for (long bucket : h.negativeDeltas()) {
				Varbit.putInt(this.out, bucket);
			}
			System.arraycopy(h.positiveDeltas(), 0, this.positive, 0, this.positive.length);
			System.arraycopy(h.negativeDeltas(), 0, this.negative, 0, this.negative.length);
		}
		this.timestamp = t;
		this.count = count;
		this.zeroCount = zeroCount;
	}

	private void writeNext(long t, Histogram h) {
		boolean stale = h.isStale();
		// A stale marker is written as Prometheus writes it: no buckets, counts taken as 0 with a
		// delta-of-delta of 0 written, so that readers of either implementation stay in step.
		long count = stale ? 0 : h.count();
		long zeroCount = stale ? 0 : h.zeroCount();
		long timestampDelta = t - this.timestamp;
		long countDelta = count - this.count;
		long zeroCountDelta = zeroCount - this.zeroCount;
		Varbit.putInt(this.out, timestampDelta - this.timestampDelta);
		Varbit.putInt(this.out, stale ? 0 : countDelta - this.countDelta);
		Varbit.putInt(this.out, stale ? 0 : zeroCountDelta - this.zeroCountDelta);
		this.sum.write(this.out, stale ? StaleNaN.BITS : Double.doubleToRawLongBits(h.sum()));
		if (!stale) {
			writeBuckets(h.positiveDeltas(), this.positive, this.positiveDelta);
			writeBuckets(h.negativeDeltas(), this.negative, this.negativeDelta);
		}
		this.timestamp = t;
		this.timestampDelta = timestampDelta;
		this.count = count;
		this.countDelta = countDelta;
		this.zeroCount = zeroCount;
		this.zeroCountDelta = zeroCountDelta;
		this.lastStale = stale;
	}

	private void writeBuckets(long[] buckets, long[] previous, long[] previousDelta) {
		for (int i = 0; i < buckets.length; i++) {
			long delta = buckets[i] - previous[i];
			Varbit.putInt(this.out, delta - previousDelta[i]);
			previousDelta[i] = delta;
			previous[i] = buckets[i];
		}
	}

}
