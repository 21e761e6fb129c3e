package io.prometheusrelay.tsdb.block;

import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Span;

/**
 * What Go prints for our labels, floats and histograms, reduced to what a test can compare exactly:
 * labels as {@code labels.Labels.String()}, floats parsed back from Go's {@code %g}, and a histogram's
 * count, sum and non-zero buckets (bounds as numbers) in the order {@code Histogram.String()} lists
 * them.
 */
final class GoFormat {

	private GoFormat() {
	}

	/** {@code {a="b", c="d"}}, values quoted as Go's strconv.Quote does for printable text. */
	static String labels(Labels labels) {
		StringBuilder text = new StringBuilder("{");
		for (int i = 0; i < labels.size(); i++) {
			if (i > 0) {
				text.append(", ");
			}
			text.append(labels.name(i)).append("=\"")
				.append(labels.value(i).replace("\\", "\\\\").replace("\"", "\\\""))
				.append('"');
		}
		return text.append('}').toString();
	}

	/** A float as Go's %g printed it. */
	static double parseFloat(String text) {
		return switch (text) {
			case "NaN" -> Double.NaN;
			case "+Inf" -> Double.POSITIVE_INFINITY;
			case "-Inf" -> Double.NEGATIVE_INFINITY;
			default -> Double.parseDouble(text);
		};
	}

	/** A histogram as the numbers in Go's {@code String()}: count, sum, then lower, upper, count of each bucket. */
	static List<Double> parseHistogram(String text) {
		List<Double> numbers = new ArrayList<>();
		String body = text.substring(1, text.length() - 1);
		for (String part : body.split(", ")) {
			if (part.startsWith("count:") || part.startsWith("sum:")) {
				numbers.add(parseFloat(part.substring(part.indexOf(':') + 1)));
				continue;
			}
			int comma = part.indexOf(',');
			int close = part.indexOf(':');
			numbers.add(parseFloat(part.substring(1, comma)));
			numbers.add(parseFloat(part.substring(comma + 1, close - 1)));
			numbers.add(parseFloat(part.substring(close + 1)));
		}
		return numbers;
	}

	/** What {@link #parseHistogram} should find for {@code h} (schema 0 or custom buckets). */
	static List<Double> numbers(Histogram h) {
		return numbers(h.count(), h.sum(), h.schema(), h.zeroThreshold(), h.zeroCount(), h.positiveSpans(),
				absolute(h.positiveDeltas()), h.negativeSpans(), absolute(h.negativeDeltas()), h.customValues());
	}

	static List<Double> numbers(FloatHistogram h) {
		return numbers(h.count(), h.sum(), h.schema(), h.zeroThreshold(), h.zeroCount(), h.positiveSpans(),
				h.positiveCounts(), h.negativeSpans(), h.negativeCounts(), h.customValues());
	}

	private static List<Double> numbers(double count, double sum, int schema, double zeroThreshold, double zeroCount,
			Span[] positiveSpans, double[] positive, Span[] negativeSpans, double[] negative, double[] custom) {
		List<Double> numbers = new ArrayList<>(List.of(count, sum));
		List<double[]> negatives = buckets(negativeSpans, negative, schema, custom);
		for (int i = negatives.size() - 1; i >= 0; i--) {
			double[] b = negatives.get(i);
			numbers.addAll(List.of(-b[1], -b[0], b[2]));
		}
		if (zeroCount != 0) {
			numbers.addAll(List.of(-zeroThreshold, zeroThreshold, zeroCount));
		}
		for (double[] b : buckets(positiveSpans, positive, schema, custom)) {
			numbers.addAll(List.of(b[0], b[1], b[2]));
		}
		return numbers;
	}

	/** Non-zero buckets as {lower, upper, count}, upper bound of index i being 2^i (schema 0) or the custom bound. */
	private static List<double[]> buckets(Span[] spans, double[] counts, int schema, double[] custom) {
		List<double[]> buckets = new ArrayList<>();
		int index = 0;
		int position = 0;
		for (int s = 0; s < spans.length; s++) {
			index += spans[s].offset();
			for (int j = 0; j < spans[s].length(); j++) {
				if (counts[position] != 0) {
					buckets.add(new double[] { bound(index - 1, schema, custom), bound(index, schema, custom),
							counts[position] });
				}
				position++;
				index++;
			}
		}
		return buckets;
	}

	private static double bound(int index, int schema, double[] custom) {
		if (schema == Histogram.CUSTOM_BUCKETS_SCHEMA) {
			return (index == -1) ? Double.NEGATIVE_INFINITY
					: (index == custom.length) ? Double.POSITIVE_INFINITY : custom[index];
		}
		if (schema != 0) {
			throw new IllegalArgumentException("Bounds are computed here for schema 0 only");
		}
		return Math.scalb(1.0, index);
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
