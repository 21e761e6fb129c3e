package io.prometheusrelay.tsdb.model;

import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A native histogram with float counts, as Prometheus's {@code histogram.FloatHistogram} and
 * remote-write's float {@code Histogram}: bucket counts are absolute.
 */
public record FloatHistogram(ResetHint resetHint, int schema, double zeroThreshold, double count, double zeroCount,
		double sum, Span[] positiveSpans, double[] positiveCounts, Span[] negativeSpans, double[] negativeCounts,
		double[] customValues) {

	private static final Span[] NO_SPANS = {};

	private static final double[] NO_VALUES = {};

	public FloatHistogram {
		Objects.requireNonNull(resetHint, "resetHint");
		if (Span.bucketCount(positiveSpans) != positiveCounts.length
				|| Span.bucketCount(negativeSpans) != negativeCounts.length) {
			throw new IllegalArgumentException("Spans and buckets disagree: " + Span.bucketCount(positiveSpans) + "/"
					+ positiveCounts.length + " positive, " + Span.bucketCount(negativeSpans) + "/"
					+ negativeCounts.length + " negative");
		}
	}

	/** The staleness marker as a float histogram: its sum is {@link StaleNaN}, and it has nothing else. */
	public static FloatHistogram staleMarker() {
		return new FloatHistogram(ResetHint.UNKNOWN, 0, 0, 0, 0, StaleNaN.VALUE, NO_SPANS, NO_VALUES, NO_SPANS,
				NO_VALUES, NO_VALUES);
	}

	public boolean isStale() {
		return StaleNaN.is(this.sum);
	}

	public boolean isGauge() {
		return this.resetHint == ResetHint.GAUGE;
	}

	public boolean usesCustomBuckets() {
		return this.schema == Histogram.CUSTOM_BUCKETS_SCHEMA;
	}

	/** The same histogram with another reset hint. */
	public FloatHistogram withResetHint(ResetHint hint) {
		return new FloatHistogram(hint, this.schema, this.zeroThreshold, this.count, this.zeroCount, this.sum,
				this.positiveSpans, this.positiveCounts, this.negativeSpans, this.negativeCounts, this.customValues);
	}

	/** Every field equal, floats by their bits. */
	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof FloatHistogram h && this.resetHint == h.resetHint
				&& this.schema == h.schema && bitsEqual(this.zeroThreshold, h.zeroThreshold)
				&& bitsEqual(this.count, h.count) && bitsEqual(this.zeroCount, h.zeroCount)
				&& bitsEqual(this.sum, h.sum) && Arrays.equals(this.positiveSpans, h.positiveSpans)
				&& bitsEqual(this.positiveCounts, h.positiveCounts) && Arrays.equals(this.negativeSpans, h.negativeSpans)
				&& bitsEqual(this.negativeCounts, h.negativeCounts) && bitsEqual(this.customValues, h.customValues));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.resetHint, this.schema, Double.doubleToRawLongBits(this.count),
				Double.doubleToRawLongBits(this.sum), Arrays.hashCode(this.positiveCounts));
	}

	@Override
	public String toString() {
		return "FloatHistogram[hint=" + this.resetHint + ", schema=" + this.schema + ", zeroThreshold="
				+ this.zeroThreshold + ", count=" + this.count + ", zeroCount=" + this.zeroCount + ", sum=" + this.sum
				+ ", positive=" + Arrays.toString(this.positiveSpans) + Arrays.toString(this.positiveCounts)
				+ ", negative=" + Arrays.toString(this.negativeSpans) + Arrays.toString(this.negativeCounts)
				+ ", custom=" + Arrays.toString(this.customValues) + "]";
	}

	private static boolean bitsEqual(double a, double b) {
		return Double.doubleToRawLongBits(a) == Double.doubleToRawLongBits(b);
	}

	private static boolean bitsEqual(double[] a, double[] b) {
		if (a.length != b.length) {
			return false;
		}
		for (int i = 0; i < a.length; i++) {
			if (!bitsEqual(a[i], b[i])) {
				return false;
			}
		}
		return true;
	}

}
