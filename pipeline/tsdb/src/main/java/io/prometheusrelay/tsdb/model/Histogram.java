package io.prometheusrelay.tsdb.model;

import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A native histogram with integer counts, as Prometheus's {@code histogram.Histogram} and
 * remote-write's integer {@code Histogram}: bucket counts are deltas, each to the bucket before it,
 * the first one absolute. Custom bucket bounds are set only for {@link #CUSTOM_BUCKETS_SCHEMA}.
 */
public record Histogram(ResetHint resetHint, int schema, double zeroThreshold, long count, long zeroCount,
		double sum, Span[] positiveSpans, long[] positiveDeltas, Span[] negativeSpans, long[] negativeDeltas,
		double[] customValues) {

	/** Schema of histograms whose bucket bounds are given ({@code customValues}), not exponential. */
	public static final int CUSTOM_BUCKETS_SCHEMA = -53;

	private static final Span[] NO_SPANS = {};

	private static final long[] NO_DELTAS = {};

	private static final double[] NO_VALUES = {};

	public Histogram {
		Objects.requireNonNull(resetHint, "resetHint");
		if (Span.bucketCount(positiveSpans) != positiveDeltas.length
				|| Span.bucketCount(negativeSpans) != negativeDeltas.length) {
			throw new IllegalArgumentException("Spans and buckets disagree: " + Span.bucketCount(positiveSpans) + "/"
					+ positiveDeltas.length + " positive, " + Span.bucketCount(negativeSpans) + "/"
					+ negativeDeltas.length + " negative");
		}
	}

	/** The staleness marker as a histogram: its sum is {@link StaleNaN}, and it has nothing else. */
	public static Histogram staleMarker() {
		return new Histogram(ResetHint.UNKNOWN, 0, 0, 0, 0, StaleNaN.VALUE, NO_SPANS, NO_DELTAS, NO_SPANS, NO_DELTAS,
				NO_VALUES);
	}

	public boolean isStale() {
		return StaleNaN.is(this.sum);
	}

	public boolean isGauge() {
		return this.resetHint == ResetHint.GAUGE;
	}

	public boolean usesCustomBuckets() {
		return this.schema == CUSTOM_BUCKETS_SCHEMA;
	}

	/** The same histogram with another reset hint. */
	public Histogram withResetHint(ResetHint hint) {
		return new Histogram(hint, this.schema, this.zeroThreshold, this.count, this.zeroCount, this.sum,
				this.positiveSpans, this.positiveDeltas, this.negativeSpans, this.negativeDeltas, this.customValues);
	}

	/** Every field equal, floats by their bits (a stale marker equals a stale marker). */
	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof Histogram h && this.resetHint == h.resetHint
				&& this.schema == h.schema
				&& Double.doubleToRawLongBits(this.zeroThreshold) == Double.doubleToRawLongBits(h.zeroThreshold)
				&& this.count == h.count && this.zeroCount == h.zeroCount
				&& Double.doubleToRawLongBits(this.sum) == Double.doubleToRawLongBits(h.sum)
				&& Arrays.equals(this.positiveSpans, h.positiveSpans)
				&& Arrays.equals(this.positiveDeltas, h.positiveDeltas)
				&& Arrays.equals(this.negativeSpans, h.negativeSpans)
				&& Arrays.equals(this.negativeDeltas, h.negativeDeltas)
				&& Arrays.equals(this.customValues, h.customValues));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.resetHint, this.schema, this.count, this.zeroCount, Double.doubleToRawLongBits(this.sum),
				Arrays.hashCode(this.positiveDeltas), Arrays.hashCode(this.negativeDeltas));
	}

	@Override
	public String toString() {
		return "Histogram[hint=" + this.resetHint + ", schema=" + this.schema + ", zeroThreshold=" + this.zeroThreshold
				+ ", count=" + this.count + ", zeroCount=" + this.zeroCount + ", sum=" + this.sum + ", positive="
				+ Arrays.toString(this.positiveSpans) + Arrays.toString(this.positiveDeltas) + ", negative="
				+ Arrays.toString(this.negativeSpans) + Arrays.toString(this.negativeDeltas) + ", custom="
				+ Arrays.toString(this.customValues) + "]";
	}

}
