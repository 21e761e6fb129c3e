package io.prometheusrelay.tsdb.chunkenc;

import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.StaleNaN;
import io.prometheusrelay.tsdb.model.ValueType;

/**
 * Reads a histogram chunk written by {@link HistogramChunkBuilder} or by Prometheus. The first sample
 * carries the header's reset hint, the others {@link ResetHint#NO} (or {@link ResetHint#GAUGE}); a
 * stale marker reads back as {@link Histogram#staleMarker()}.
 */
final class HistogramIterator implements SampleIterator {

	private final BitReader in;

	private final int total;

	private final ResetHint headerHint;

	private int read;

	private HistogramLayout layout;

	private long timestamp;

	private long timestampDelta;

	private long count;

	private long countDelta;

	private long zeroCount;

	private long zeroCountDelta;

	private long[] positive;

	private long[] positiveDelta;

	private long[] negative;

	private long[] negativeDelta;

	private XorValue sum;

	HistogramIterator(byte[] data) {
		if (data.length < 3) {
			throw new CorruptionException("A histogram chunk has no header");
		}
		this.total = ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
		this.headerHint = HistogramLayout.hintOf(data[2]);
		this.in = new BitReader(data, 3, data.length);
	}

	@Override
	public ValueType next() {
		if (this.read == this.total) {
			return ValueType.NONE;
		}
		if (this.read == 0) {
			this.layout = HistogramLayout.read(this.in);
			this.timestamp = Varbit.readInt(this.in);
			this.count = Varbit.readUint(this.in);
			this.zeroCount = Varbit.readUint(this.in);
			this.sum = XorValue.forReading(this.in.readBits(64));
			this.positive = readFirstBuckets(this.layout.positiveBuckets());
			this.positiveDelta = new long[this.positive.length];
			this.negative = readFirstBuckets(this.layout.negativeBuckets());
			this.negativeDelta = new long[this.negative.length];
		}
		else {
			this.timestampDelta += Varbit.readInt(this.in);
			this.timestamp += this.timestampDelta;
			this.countDelta += Varbit.readInt(this.in);
			this.count += this.countDelta;
			this.zeroCountDelta += Varbit.readInt(this.in);
			this.zeroCount += this.zeroCountDelta;
			this.sum.read(this.in);
			if (this.sum.bits != StaleNaN.BITS) {
				readNextBuckets(this.positive, this.positiveDelta);
				readNextBuckets(this.negative, this.negativeDelta);
			}
		}
		this.read++;
		return ValueType.HISTOGRAM;
	}

	private long[] readFirstBuckets(int count) {
		long[] buckets = new long[count];
		for (int i = 0; i < count; i++) {
			buckets[i] = Varbit.readInt(this.in);
		}
		return buckets;
	}

	private void readNextBuckets(long[] buckets, long[] deltas) {
		for (int i = 0; i < buckets.length; i++) {
			deltas[i] += Varbit.readInt(this.in);
			buckets[i] += deltas[i];
		}
	}

	@Override
	public long timestamp() {
		return this.timestamp;
	}

	@Override
	public double value() {
		throw new IllegalStateException("A histogram chunk holds histograms");
	}

	@Override
	public Histogram histogram() {
		if (this.sum.bits == StaleNaN.BITS) {
			return Histogram.staleMarker();
		}
		return new Histogram(hint(), this.layout.schema(), this.layout.zeroThreshold(), this.count, this.zeroCount,
				Double.longBitsToDouble(this.sum.bits), this.layout.positiveSpans(), this.positive.clone(),
				this.layout.negativeSpans(), this.negative.clone(), this.layout.customValues());
	}

	/** The current sample as a float histogram: bucket counts made absolute. */
	@Override
	public FloatHistogram floatHistogram() {
		if (this.sum.bits == StaleNaN.BITS) {
			return FloatHistogram.staleMarker();
		}
		return new FloatHistogram(hint(), this.layout.schema(), this.layout.zeroThreshold(), this.count,
				this.zeroCount, Double.longBitsToDouble(this.sum.bits), this.layout.positiveSpans(),
				absolute(this.positive), this.layout.negativeSpans(), absolute(this.negative),
				this.layout.customValues());
	}

	private ResetHint hint() {
		if (this.headerHint == ResetHint.GAUGE) {
			return ResetHint.GAUGE;
		}
		return (this.read == 1) ? this.headerHint : ResetHint.NO;
	}

	private static double[] absolute(long[] deltas) {
		double[] counts = new double[deltas.length];
		long current = 0;
		for (int i = 0; i < deltas.length; i++) {
			current += deltas[i];
			counts[i] = current;
		}
		return counts;
	}

}
