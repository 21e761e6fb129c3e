package io.prometheusrelay.tsdb.model;

/** Native histograms for the tests: a counter that grows, with every kind of layout. */
public final class TestHistograms {

	/** Prometheus's default zero threshold, 2^-128. */
	public static final double DEFAULT_ZERO_THRESHOLD = Math.scalb(1.0, -128);

	private TestHistograms() {
	}

	/** An exponential histogram (schema 0) after {@code step} steps of growth; positive and negative buckets. */
	public static Histogram exponential(int step, ResetHint hint) {
		long a = 2 + step;
		long b = 1 + 2L * step;
		long c = step;
		long n = 1 + step / 2;
		long zero = step / 3;
		return new Histogram(hint, 0, DEFAULT_ZERO_THRESHOLD, a + b + c + n + zero, zero, 1.5 * step + 0.25,
				new Span[] { new Span(-1, 2), new Span(2, 1) }, new long[] { a, b - a, c - b },
				new Span[] { new Span(1, 1) }, new long[] { n }, new double[0]);
	}

	/** A classic histogram's buckets as custom bounds (schema -53), some not multiples of 0.001. */
	public static Histogram customBuckets(int step) {
		long first = step;
		long second = 2L * step + 1;
		long third = 3L * step + 2;
		return new Histogram(ResetHint.UNKNOWN, Histogram.CUSTOM_BUCKETS_SCHEMA, 0, first + second + third, 0,
				0.75 * step, new Span[] { new Span(0, 3) }, new long[] { first, second - first, third - second },
				new Span[0], new long[0], new double[] { 0.005, 0.1, 1.0 / 3, 40000 });
	}

	public static FloatHistogram exponentialFloat(int step, ResetHint hint) {
		Histogram h = exponential(step, hint);
		double[] positive = absolute(h.positiveDeltas());
		double[] negative = absolute(h.negativeDeltas());
		return new FloatHistogram(hint, 0, 0.001, h.count() + 0.5, h.zeroCount(), h.sum(), h.positiveSpans(),
				plusHalf(positive), h.negativeSpans(), negative, new double[0]);
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

	private static double[] plusHalf(double[] counts) {
		double[] result = counts.clone();
		result[result.length - 1] += 0.5;
		return result;
	}

}
