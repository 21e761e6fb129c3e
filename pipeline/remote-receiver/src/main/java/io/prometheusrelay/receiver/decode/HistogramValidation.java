package io.prometheusrelay.receiver.decode;

import io.prometheusrelay.protocol.remotewrite.EncodedHistogram;
import io.prometheusrelay.protocol.remotewrite.EncodedHistogram.Numbers;
import io.prometheusrelay.protocol.remotewrite.EncodedHistogram.Spans;
import org.jspecify.annotations.Nullable;

/**
 * Checks a native histogram as Prometheus's TSDB checks one before appending it (its
 * {@code Histogram.Validate} and {@code FloatHistogram.Validate}), so that nothing is stored that
 * Prometheus-compatible readers would refuse: a known schema; integer or float throughout; spans
 * that account for every bucket; no negative bucket count; an integer histogram's count equal to
 * its buckets' (at least, when its sum is NaN); custom buckets (schema -53) with increasing, finite
 * bounds and nothing in a zero or negative bucket.
 */
final class HistogramValidation {

	static final int CUSTOM_BUCKETS_SCHEMA = -53;

	private static final int MIN_EXPONENTIAL_SCHEMA = -4;

	private static final int MAX_EXPONENTIAL_SCHEMA = 8;

	private HistogramValidation() {
	}

	/** What is wrong with the histogram, in a few words; null when nothing is. */
	static @Nullable String problem(EncodedHistogram histogram) {
		int schema = histogram.schema();
		boolean custom = schema == CUSTOM_BUCKETS_SCHEMA;
		if (!custom && (schema < MIN_EXPONENTIAL_SCHEMA || schema > MAX_EXPONENTIAL_SCHEMA)) {
			return "schema " + schema + " is neither -4 to 8 nor -53 (custom buckets)";
		}
		String mixed = mixedKinds(histogram);
		if (mixed != null) {
			return mixed;
		}
		String buckets = custom ? customBuckets(histogram) : exponentialBuckets(histogram);
		if (buckets != null) {
			return buckets;
		}
		return histogram.isFloatHistogram() ? floatCounts(histogram) : integerCounts(histogram);
	}

	private static @Nullable String mixedKinds(EncodedHistogram histogram) {
		if (histogram.isFloatHistogram()) {
			if (histogram.hasIntegerZeroCount() || histogram.negativeDeltas().size() > 0
					|| histogram.positiveDeltas().size() > 0) {
				return "float histogram with integer zero count or bucket deltas";
			}
		}
		else if (histogram.hasFloatZeroCount() || histogram.negativeCounts().size() > 0
				|| histogram.positiveCounts().size() > 0) {
			return "integer histogram with float zero count or bucket counts";
		}
		return null;
	}

	private static @Nullable String exponentialBuckets(EncodedHistogram histogram) {
		if (histogram.customValues().size() > 0) {
			return "histogram with an exponential schema has custom bounds";
		}
		String negative = spans("negative", histogram.negativeSpans(), negativeBuckets(histogram), false);
		return (negative != null) ? negative
				: spans("positive", histogram.positiveSpans(), positiveBuckets(histogram), false);
	}

	private static @Nullable String customBuckets(EncodedHistogram histogram) {
		if (histogram.zeroThreshold() != 0 || histogram.zeroCountInt() != 0 || histogram.zeroCountFloat() != 0) {
			return "histogram with custom buckets has a zero bucket";
		}
		if (histogram.negativeSpans().size() > 0 || negativeBuckets(histogram) > 0) {
			return "histogram with custom buckets has negative buckets";
		}
		Numbers bounds = histogram.customValues();
		double previous = Double.NEGATIVE_INFINITY;
		for (int i = 0; i < bounds.size(); i++) {
			double bound = bounds.doubleAt(i);
			if (!(bound > previous)) {
				return "custom bounds are not increasing (" + previous + ", then " + bound + ")";
			}
			previous = bound;
		}
		if (previous == Double.POSITIVE_INFINITY) {
			return "custom bounds list +Inf, which is implied";
		}
		String spans = spans("positive", histogram.positiveSpans(), positiveBuckets(histogram), true);
		if (spans != null) {
			return spans;
		}
		long lastIndex = 0;
		for (int i = 0; i < histogram.positiveSpans().size(); i++) {
			lastIndex += histogram.positiveSpans().offset(i) + histogram.positiveSpans().length(i);
		}
		return (lastIndex > bounds.size() + 1L)
				? "buckets reach index " + lastIndex + " beyond the " + (bounds.size() + 1) + " custom buckets" : null;
	}

	/** Spans after the first move forward (all of them, for custom buckets), and cover exactly the buckets. */
	private static @Nullable String spans(String side, Spans spans, int buckets, boolean firstForward) {
		long covered = 0;
		for (int i = 0; i < spans.size(); i++) {
			if ((i > 0 || firstForward) && spans.offset(i) < 0) {
				return side + " span " + (i + 1) + " has a negative offset";
			}
			covered += spans.length(i);
		}
		return (covered != buckets) ? side + " spans need " + covered + " buckets, have " + buckets : null;
	}

	private static @Nullable String integerCounts(EncodedHistogram histogram) {
		long inBuckets = histogram.zeroCountInt();
		if (inBuckets < 0) {
			return "zero count is out of range";
		}
		for (Numbers deltas : new Numbers[] { histogram.negativeDeltas(), histogram.positiveDeltas() }) {
			long count = 0;
			for (int i = 0; i < deltas.size(); i++) {
				count += deltas.longAt(i);
				if (count < 0) {
					return "a bucket count is negative";
				}
				inBuckets += count;
				if (inBuckets < 0) {
					return "bucket counts overflow";
				}
			}
		}
		long count = histogram.countInt();
		if (Double.isNaN(histogram.sum())) {
			return (Long.compareUnsigned(inBuckets, count) > 0)
					? "count " + Long.toUnsignedString(count) + " is below the " + inBuckets + " observations in buckets"
					: null;
		}
		return (inBuckets != count)
				? "count " + Long.toUnsignedString(count) + " is not the " + inBuckets + " observations in buckets" : null;
	}

	/** No count check: as Prometheus says, float rounding would refuse valid histograms. */
	private static @Nullable String floatCounts(EncodedHistogram histogram) {
		if (histogram.zeroCountFloat() < 0) {
			return "zero count is negative";
		}
		for (Numbers counts : new Numbers[] { histogram.negativeCounts(), histogram.positiveCounts() }) {
			for (int i = 0; i < counts.size(); i++) {
				if (counts.doubleAt(i) < 0) {
					return "a bucket count is negative";
				}
			}
		}
		return null;
	}

	private static int negativeBuckets(EncodedHistogram histogram) {
		return histogram.isFloatHistogram() ? histogram.negativeCounts().size() : histogram.negativeDeltas().size();
	}

	private static int positiveBuckets(EncodedHistogram histogram) {
		return histogram.isFloatHistogram() ? histogram.positiveCounts().size() : histogram.positiveDeltas().size();
	}

}
