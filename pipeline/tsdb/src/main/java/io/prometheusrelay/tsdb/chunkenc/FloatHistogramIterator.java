package io.prometheusrelay.tsdb.chunkenc;

import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.StaleNaN;
import io.prometheusrelay.tsdb.model.ValueType;

/** Reads a float-histogram chunk written by {@link FloatHistogramChunkBuilder} or by Prometheus. */
final class FloatHistogramIterator implements SampleIterator {

	private final BitReader in;

	private final int total;

	private final ResetHint headerHint;

	private int read;

	private HistogramLayout layout;

	private long timestamp;

	private long timestampDelta;

	private XorValue count;

	private XorValue zeroCount;

	private XorValue sum;

	private XorValue[] positive;

	private XorValue[] negative;

	FloatHistogramIterator(byte[] data) {
		if (data.length < 3) {
			throw new CorruptionException("A float histogram chunk has no header");
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
			this.count = readRaw();
			this.zeroCount = readRaw();
			this.sum = readRaw();
			this.positive = new XorValue[this.layout.positiveBuckets()];
			for (int i = 0; i < this.positive.length; i++) {
				this.positive[i] = readRaw();
			}
			this.negative = new XorValue[this.layout.negativeBuckets()];
			for (int i = 0; i < this.negative.length; i++) {
				this.negative[i] = readRaw();
			}
		}
		else {
			this.timestampDelta += Varbit.readInt(this.in);
			this.timestamp += this.timestampDelta;
			this.count.read(this.in);
			this.zeroCount.read(this.in);
			this.sum.read(this.in);
			if (this.sum.bits != StaleNaN.BITS) {
				for (XorValue bucket : this.positive) {
					bucket.read(this.in);
				}
				for (XorValue bucket : this.negative) {
					bucket.read(this.in);
				}
			}
		}
		this.read++;
		return ValueType.FLOAT_HISTOGRAM;
	}

	private XorValue readRaw() {
		return XorValue.forReading(this.in.readBits(64));
	}

	@Override
	public long timestamp() {
		return this.timestamp;
	}

	@Override
	public double value() {
		throw new IllegalStateException("A float histogram chunk holds histograms");
	}

	@Override
	public Histogram histogram() {
		throw new IllegalStateException("A float histogram chunk holds float histograms");
	}

	@Override
	public FloatHistogram floatHistogram() {
		if (this.sum.bits == StaleNaN.BITS) {
			return FloatHistogram.staleMarker();
		}
		ResetHint hint = (this.headerHint == ResetHint.GAUGE) ? ResetHint.GAUGE
				: (this.read == 1) ? this.headerHint : ResetHint.NO;
		return new FloatHistogram(hint, this.layout.schema(), this.layout.zeroThreshold(), value(this.count),
				value(this.zeroCount), value(this.sum), this.layout.positiveSpans(), values(this.positive),
				this.layout.negativeSpans(), values(this.negative), this.layout.customValues());
	}

	private static double value(XorValue value) {
		return Double.longBitsToDouble(value.bits);
	}

	private static double[] values(XorValue[] buckets) {
		double[] values = new double[buckets.length];
		for (int i = 0; i < buckets.length; i++) {
			values[i] = value(buckets[i]);
		}
		return values;
	}

}
