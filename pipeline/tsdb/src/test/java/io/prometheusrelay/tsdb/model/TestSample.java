package io.prometheusrelay.tsdb.model;

import io.prometheusrelay.tsdb.chunkenc.ChunkSequence;
import io.prometheusrelay.tsdb.chunkenc.SampleIterator;
import org.jspecify.annotations.Nullable;

/** One sample of any kind, for tests that write samples and read them back. */
public record TestSample(long timestamp, ValueType type, double value, @Nullable Histogram histogram,
		@Nullable FloatHistogram floatHistogram) {

	public static TestSample of(long t, double v) {
		return new TestSample(t, ValueType.FLOAT, v, null, null);
	}

	public static TestSample of(long t, Histogram h) {
		return new TestSample(t, ValueType.HISTOGRAM, 0, h, null);
	}

	public static TestSample of(long t, FloatHistogram h) {
		return new TestSample(t, ValueType.FLOAT_HISTOGRAM, 0, null, h);
	}

	/** The iterator's current sample. */
	public static TestSample at(ValueType type, SampleIterator it) {
		return switch (type) {
			case FLOAT -> of(it.timestamp(), it.value());
			case HISTOGRAM -> of(it.timestamp(), it.histogram());
			case FLOAT_HISTOGRAM -> of(it.timestamp(), it.floatHistogram());
			case NONE -> throw new IllegalArgumentException("No sample");
		};
	}

	public void appendTo(ChunkSequence chunks) {
		switch (this.type) {
			case FLOAT -> chunks.appendFloat(this.timestamp, this.value);
			case HISTOGRAM -> chunks.appendHistogram(this.timestamp, this.histogram);
			case FLOAT_HISTOGRAM -> chunks.appendFloatHistogram(this.timestamp, this.floatHistogram);
			case NONE -> throw new IllegalStateException();
		}
	}

	/** The same sample as read back from a chunk it did not start: a histogram's hint reads as NO. */
	public TestSample asReadInsideAChunk() {
		return switch (this.type) {
			case HISTOGRAM -> this.histogram.isStale() || this.histogram.isGauge() ? this
					: of(this.timestamp, this.histogram.withResetHint(ResetHint.NO));
			case FLOAT_HISTOGRAM -> this.floatHistogram.isStale() || this.floatHistogram.isGauge() ? this
					: of(this.timestamp, this.floatHistogram.withResetHint(ResetHint.NO));
			default -> this;
		};
	}

	/** Floats compared by their bits, so that a NaN payload must survive. */
	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof TestSample s && this.timestamp == s.timestamp && this.type == s.type
				&& Double.doubleToRawLongBits(this.value) == Double.doubleToRawLongBits(s.value)
				&& java.util.Objects.equals(this.histogram, s.histogram)
				&& java.util.Objects.equals(this.floatHistogram, s.floatHistogram);
	}

	@Override
	public int hashCode() {
		return Long.hashCode(this.timestamp) * 31 + Long.hashCode(Double.doubleToRawLongBits(this.value));
	}

}
