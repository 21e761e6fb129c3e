package io.prometheusrelay.tsdb.chunkenc;

import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.StaleNaN;

/**
 * An open chunk of float histograms, in Prometheus's float-histogram encoding: the layout once, then
 * per sample the timestamp as a delta-of-delta and the count, zero count, sum and every bucket XORed
 * with their previous values. Which histograms join the chunk is decided as in
 * {@link HistogramChunkBuilder}.
 */
public final class FloatHistogramChunkBuilder extends ChunkBuilder {

	private static final int TARGET_BYTES = 1024;

	private static final int MIN_SAMPLES = 10;

	private HistogramLayout layout;

	private boolean gauge;

	private boolean lastStale;

	private long timestamp;

	private long timestampDelta;

	private XorValue count;

	private XorValue zeroCount;

	private XorValue sum;

	private XorValue[] positive = new XorValue[0];

	private XorValue[] negative = new XorValue[0];

	public FloatHistogramChunkBuilder() {
		super(3);
	}

	@Override
	public ChunkEncoding encoding() {
		return ChunkEncoding.FLOAT_HISTOGRAM;
	}

	@Override
	public boolean isFull() {
		return this.numSamples >= SAMPLES_PER_CHUNK
				|| (this.numSamples >= MIN_SAMPLES && this.out.length() >= TARGET_BYTES);
	}

	/**
	 * Appends {@code h} at {@code t} (later than the last sample) if it belongs in this chunk.
	 * @return false, with nothing appended, when it must start a chunk of its own
	 */
	public boolean tryAppend(long t, FloatHistogram h) {
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

	private boolean belongs(FloatHistogram h) {
		if (h.isStale()) {
			return true;
		}
		if (this.gauge != h.isGauge() || this.lastStale || h.resetHint() == ResetHint.YES) {
			return false;
		}
		if (!this.layout.sameAs(h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(),
				h.customValues())) {
			return false;
		}
		return this.gauge || !counterWentDown(h);
	}

	private boolean counterWentDown(FloatHistogram h) {
		if (h.count() < value(this.count) || h.zeroCount() < value(this.zeroCount)) {
			return true;
		}
		return bucketWentDown(this.positive, h.positiveCounts()) || bucketWentDown(this.negative, h.negativeCounts());
	}

	private static boolean bucketWentDown(XorValue[] previous, double[] counts) {
		for (int i = 0; i < counts.length; i++) {
			if (counts[i] < value(previous[i])) {
				return true;
			}
		}
		return false;
	}

	private void writeFirst(long t, FloatHistogram h) {
		this.lastStale = h.isStale();
		Varbit.putInt(this.out, t);
		this.count = writeRaw(this.lastStale ? 0 : h.count());
		this.zeroCount = writeRaw(this.lastStale ? 0 : h.zeroCount());
		this.sum = writeRaw(h.sum());
		this.positive = new XorValue[this.layout.positiveBuckets()];
		this.negative = new XorValue[this.layout.negativeBuckets()];
		for (int i = 0; i < this.positive.length; i++) {
			this.positive[i] = writeRaw(h.positiveCounts()[i]);
		}
		for (int i = 0; i < this.negative.length; i++) {
			this.negative[i] = writeRaw(h.negativeCounts()[i]);
		}
		this.timestamp = t;
	}

	private XorValue writeRaw(double value) {
		long bits = Double.doubleToRawLongBits(value);
		this.out.writeBits(bits, 64);
		return XorValue.forWriting(bits);
	}

	private void writeNext(long t, FloatHistogram h) {
		boolean stale = h.isStale();
		long timestampDelta = t - this.timestamp;
		Varbit.putInt(this.out, timestampDelta - this.timestampDelta);
		// A stale marker is written as Prometheus writes it: counts of 0 XORed in, no buckets.
		this.count.write(this.out, Double.doubleToRawLongBits(stale ? 0 : h.count()));
		this.zeroCount.write(this.out, Double.doubleToRawLongBits(stale ? 0 : h.zeroCount()));
		this.sum.write(this.out, stale ? StaleNaN.BITS : Double.doubleToRawLongBits(h.sum()));
		if (!stale) {
			for (int i = 0; i < this.positive.length; i++) {
				this.positive[i].write(this.out, Double.doubleToRawLongBits(h.positiveCounts()[i]));
			}
			for (int i = 0; i < this.negative.length; i++) {
				this.negative[i].write(this.out, Double.doubleToRawLongBits(h.negativeCounts()[i]));
			}
		}
		this.timestamp = t;
		this.timestampDelta = timestampDelta;
		this.lastStale = stale;
	}

	private static double value(XorValue value) {
		return Double.longBitsToDouble(value.bits);
	}

}
