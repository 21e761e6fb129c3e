package io.prometheusrelay.tsdb.model;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One sample of any kind: a float, an integer histogram or a float histogram, at a timestamp (ms).
 * Equal when they hold the same bits, so that a NaN payload or a staleness marker counts.
 */
public record Sample(long timestamp, ValueType type, double value, @Nullable Histogram histogram,
		@Nullable FloatHistogram floatHistogram) {

	public static Sample of(long t, double v) {
		return new Sample(t, ValueType.FLOAT, v, null, null);
	}

	public static Sample of(long t, Histogram h) {
		return new Sample(t, ValueType.HISTOGRAM, 0, h, null);
	}

	public static Sample of(long t, FloatHistogram h) {
		return new Sample(t, ValueType.FLOAT_HISTOGRAM, 0, null, h);
	}

	/**
	 * Of two different samples at the same timestamp, the one every replica keeps, whichever arrived
	 * first: the later kind (float, histogram, float histogram), then the larger bits of the float, or
	 * of the histogram's count and sum, then its text. Only a sender that sends two values for one
	 * timestamp makes this choice matter; it must not depend on the order of arrival.
	 */
	public static Sample keptOf(Sample a, Sample b) {
		return (compareForConflict(a, b) >= 0) ? a : b;
	}

	private static int compareForConflict(Sample a, Sample b) {
		int c = a.type.compareTo(b.type);
		if (c != 0) {
			return c;
		}
		c = switch (a.type) {
			case FLOAT -> Long.compareUnsigned(Double.doubleToRawLongBits(a.value), Double.doubleToRawLongBits(b.value));
			case HISTOGRAM -> Long.compareUnsigned(a.histogram.count(), b.histogram.count()) * 2
					+ Long.compareUnsigned(Double.doubleToRawLongBits(a.histogram.sum()),
							Double.doubleToRawLongBits(b.histogram.sum()));
			case FLOAT_HISTOGRAM -> Long.compareUnsigned(Double.doubleToRawLongBits(a.floatHistogram.count()),
					Double.doubleToRawLongBits(b.floatHistogram.count())) * 2
					+ Long.compareUnsigned(Double.doubleToRawLongBits(a.floatHistogram.sum()),
							Double.doubleToRawLongBits(b.floatHistogram.sum()));
			case NONE -> 0;
		};
		return (c != 0) ? c : a.toString().compareTo(b.toString());
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof Sample s && this.timestamp == s.timestamp && this.type == s.type
				&& Double.doubleToRawLongBits(this.value) == Double.doubleToRawLongBits(s.value)
				&& Objects.equals(this.histogram, s.histogram) && Objects.equals(this.floatHistogram, s.floatHistogram);
	}

	@Override
	public int hashCode() {
		return Long.hashCode(this.timestamp) * 31 + Long.hashCode(Double.doubleToRawLongBits(this.value));
	}

}
