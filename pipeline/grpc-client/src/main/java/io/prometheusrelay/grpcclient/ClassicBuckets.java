package io.prometheusrelay.grpcclient;

import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.protocol.remotewrite.BucketSpan;
import io.prometheusrelay.protocol.remotewrite.Histogram;

/**
 * A native histogram as the buckets of a classic one, for the text format: each populated bucket
 * with its upper bound ({@code le}) and the cumulative count up to it, in increasing order of
 * bound, then {@code +Inf} with the whole count. Buckets of exponential schemas have the bounds
 * Prometheus gives them: for schema s, positive bucket i is (b^(i-1), b^i] with b = 2^(2^-s),
 * negative bucket i its mirror, and the zero bucket [-threshold, threshold]. Bucket i of custom
 * buckets (schema -53) ends at custom value i; the last one at +Inf. Empty buckets are not listed,
 * which a cumulative reading does not need.
 */
final class ClassicBuckets {

	private static final int CUSTOM_BUCKETS_SCHEMA = -53;

	/** A bucket's upper bound and the count of observations up to it. */
	record Bucket(double upperBound, double cumulativeCount) {
	}

	private ClassicBuckets() {
	}

	static List<Bucket> of(Histogram histogram) {
		boolean floats = histogram.hasCountFloat();
		List<Bucket> buckets = new ArrayList<>();
		double cumulative = 0;
		if (histogram.getSchema() == CUSTOM_BUCKETS_SCHEMA) {
			List<double[]> positive = indexed(histogram.getPositiveSpansList(), floats ? histogram.getPositiveCountsList()
					: absolute(histogram.getPositiveDeltasList()));
			for (double[] bucket : positive) {
				int index = (int) bucket[0];
				double bound = (index < histogram.getCustomValuesCount()) ? histogram.getCustomValues(index)
						: Double.POSITIVE_INFINITY;
				cumulative += bucket[1];
				if (bound != Double.POSITIVE_INFINITY) {
					buckets.add(new Bucket(bound, cumulative));
				}
			}
		}
		else {
			double base = Math.pow(2, Math.pow(2, -histogram.getSchema()));
			List<double[]> negative = indexed(histogram.getNegativeSpansList(), floats ? histogram.getNegativeCountsList()
					: absolute(histogram.getNegativeDeltasList()));
			for (int i = negative.size() - 1; i >= 0; i--) {
				cumulative += negative.get(i)[1];
				buckets.add(new Bucket(-Math.pow(base, negative.get(i)[0] - 1), cumulative));
			}
			double zeroCount = floats ? histogram.getZeroCountFloat() : histogram.getZeroCountInt();
			if (zeroCount > 0 || histogram.getZeroThreshold() > 0) {
				cumulative += zeroCount;
				buckets.add(new Bucket(histogram.getZeroThreshold(), cumulative));
			}
			for (double[] bucket : indexed(histogram.getPositiveSpansList(), floats ? histogram.getPositiveCountsList()
					: absolute(histogram.getPositiveDeltasList()))) {
				cumulative += bucket[1];
				buckets.add(new Bucket(Math.pow(base, bucket[0]), cumulative));
			}
		}
		buckets.add(new Bucket(Double.POSITIVE_INFINITY, count(histogram)));
		return buckets;
	}

	static double count(Histogram histogram) {
		return histogram.hasCountFloat() ? histogram.getCountFloat() : histogram.getCountInt();
	}

	/** The counts of an integer histogram's buckets, from the deltas it carries. */
	private static List<Double> absolute(List<Long> deltas) {
		List<Double> counts = new ArrayList<>(deltas.size());
		long count = 0;
		for (long delta : deltas) {
			count += delta;
			counts.add((double) count);
		}
		return counts;
	}

	/** Each bucket as (index, count), its index from the spans: each span starts {@code offset} after the last. */
	private static List<double[]> indexed(List<BucketSpan> spans, List<Double> counts) {
		List<double[]> buckets = new ArrayList<>(counts.size());
		long index = 0;
		int bucket = 0;
		for (BucketSpan span : spans) {
			index += span.getOffset();
			for (int i = 0; i < span.getLength() && bucket < counts.size(); i++) {
				buckets.add(new double[] { index, counts.get(bucket++) });
				index++;
			}
		}
		return buckets;
	}

}
