package io.prometheusrelay.it;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.jayway.jsonpath.JsonPath;

/**
 * Samples, native histograms and exemplars in one form whatever reported them, so that what
 * Prometheus's HTTP API holds and what grpc-client prints can be compared exactly: series (labels
 * in name order) to the set of its samples, each written as
 * {@code timestamp=value}, {@code timestamp=histogram count sum {bucket=count ...}} or
 * {@code exemplar {labels} value timestamp}.
 * <p>
 * Histogram buckets are written by their bounds, as Prometheus's API reports them, with nine
 * significant digits: the API gives bounds, not the schema and bucket index they come from, and
 * neighbouring buckets of any schema differ by far more than that rounding.
 */
final class ComparableSeries {

	private ComparableSeries() {
	}

	/**
	 * The raw samples and histograms of an instant query over a range selector
	 * ({@code /api/v1/query?query={job="x"}[1h]}), at or before {@code until} (epoch millis).
	 */
	static Map<String, Set<String>> fromPrometheusQuery(String body, long until) {
		Map<String, Set<String>> series = new TreeMap<>();
		List<Map<String, Object>> result = JsonPath.read(body, "$.data.result");
		for (Map<String, Object> one : result) {
			Set<String> samples = series.computeIfAbsent(key(one.get("metric")), k -> new TreeSet<>());
			for (List<Object> value : ComparableSeries.<List<Object>>list(one.get("values"))) {
				long timestamp = seconds(value.get(0));
				if (timestamp <= until) {
					samples.add(timestamp + "=" + number(value.get(1)));
				}
			}
			for (List<Object> histogram : ComparableSeries.<List<Object>>list(one.get("histograms"))) {
				long timestamp = seconds(histogram.get(0));
				if (timestamp <= until) {
					Map<String, Object> h = map(histogram.get(1));
					Map<String, String> buckets = new TreeMap<>();
					for (List<Object> bucket : ComparableSeries.<List<Object>>list(h.get("buckets"))) {
						buckets.put(bounds(number(bucket.get(1)), number(bucket.get(2))), String.valueOf(number(bucket.get(3))));
					}
					samples.add(histogram(timestamp, number(h.get("count")), number(h.get("sum")), buckets));
				}
			}
		}
		series.values().removeIf(Set::isEmpty);
		return series;
	}

	/** The exemplars of {@code /api/v1/query_exemplars}, by the series they belong to. */
	static Map<String, Set<String>> fromPrometheusExemplars(String body) {
		Map<String, Set<String>> series = new TreeMap<>();
		List<Map<String, Object>> result = JsonPath.read(body, "$.data");
		for (Map<String, Object> one : result) {
			Set<String> exemplars = series.computeIfAbsent(key(one.get("seriesLabels")), k -> new TreeSet<>());
			for (Map<String, Object> exemplar : ComparableSeries.<Map<String, Object>>list(one.get("exemplars"))) {
				exemplars.add(exemplar(new TreeMap<>(ComparableSeries.<String>stringMap(exemplar.get("labels"))),
						number(exemplar.get("value")), seconds(exemplar.get("timestamp"))));
			}
		}
		return series;
	}

	/**
	 * What grpc-client printed with {@code --format=json}: samples and histograms, or with
	 * {@code exemplars} only exemplars. Metadata messages (a family name and no data) are left out.
	 */
	static Map<String, Set<String>> fromGrpcClient(List<String> jsonLines, boolean exemplars) {
		Map<String, Set<String>> series = new TreeMap<>();
		for (String line : jsonLines) {
			Map<String, Object> one = JsonPath.read(line, "$");
			Set<String> samples = new TreeSet<>();
			if (exemplars) {
				for (Map<String, Object> exemplar : ComparableSeries.<Map<String, Object>>list(one.get("exemplars"))) {
					Map<String, String> labels = new TreeMap<>();
					for (Map<String, Object> label : ComparableSeries.<Map<String, Object>>list(exemplar.get("labels"))) {
						labels.put((String) label.get("name"), (String) label.get("value"));
					}
					samples.add(exemplar(labels, number(exemplar.get("value")), number(exemplar.get("timestamp")).longValue()));
				}
			}
			else {
				for (Map<String, Object> sample : ComparableSeries.<Map<String, Object>>list(one.get("samples"))) {
					samples.add(number(sample.get("timestamp")).longValue() + "=" + number(sample.get("value")));
				}
				for (Map<String, Object> histogram : ComparableSeries.<Map<String, Object>>list(one.get("histograms"))) {
					samples.add(storedHistogram(histogram));
				}
			}
			if (!samples.isEmpty()) {
				series.computeIfAbsent(key(one.get("labels")), k -> new TreeSet<>()).addAll(samples);
			}
		}
		return series;
	}

	/** A histogram as the api-server stores it (protobuf JSON), its buckets turned into bounds. */
	private static String storedHistogram(Map<String, Object> h) {
		int schema = number(h.get("schema")).intValue();
		List<Object> customValues = list(h.get("customValues"));
		Map<String, String> buckets = new TreeMap<>();
		double zeroCount = either(h, "zeroCountFloat", "zeroCountInt");
		if (zeroCount > 0) {
			double threshold = number(h.get("zeroThreshold"));
			buckets.put(bounds(-threshold, threshold), String.valueOf(zeroCount));
		}
		for (String sign : List.of("positive", "negative")) {
			boolean integer = h.containsKey(sign + "Deltas") && !list(h.get(sign + "Deltas")).isEmpty();
			List<Object> counts = list(h.get(integer ? sign + "Deltas" : sign + "Counts"));
			int index = 0;
			int next = 0;
			double count = 0;
			for (Map<String, Object> span : ComparableSeries.<Map<String, Object>>list(h.get(sign + "Spans"))) {
				index += number(span.get("offset")).intValue();
				for (int i = 0; i < number(span.get("length")).intValue(); i++, index++) {
					count = integer ? count + number(counts.get(next++)) : number(counts.get(next++));
					if (count != 0) {
						double lower = lowerBound(index, schema, customValues);
						double upper = lowerBound(index + 1, schema, customValues);
						buckets.put(sign.equals("positive") ? bounds(lower, upper) : bounds(-upper, -lower),
								String.valueOf(count));
					}
				}
			}
		}
		double count = either(h, "countFloat", "countInt");
		return histogram(number(h.get("timestamp")).longValue(), count, number(h.get("sum")), buckets);
	}

	/** Where bucket {@code index} of {@code schema} starts: 2^((index-1)·2^-schema), or a custom value. */
	private static double lowerBound(int index, int schema, List<Object> customValues) {
		if (schema == -53) {
			return (index <= 0) ? Double.NEGATIVE_INFINITY
					: (index > customValues.size()) ? Double.POSITIVE_INFINITY : number(customValues.get(index - 1));
		}
		return Math.pow(2, (index - 1) * Math.pow(2, -schema));
	}

	private static String histogram(long timestamp, double count, double sum, Map<String, String> buckets) {
		return timestamp + "=histogram count " + count + " sum " + sum + " " + buckets;
	}

	private static String exemplar(Map<String, String> labels, double value, long timestamp) {
		return "exemplar " + labels + " " + value + " " + timestamp;
	}

	private static String bounds(double lower, double upper) {
		return String.format(Locale.ROOT, "%.9g..%.9g", lower, upper);
	}

	private static String key(Object labels) {
		return new TreeMap<>(ComparableSeries.<String>stringMap(labels)).toString();
	}

	/** A number as either side writes it: a JSON number, or a string ("42", "NaN", "+Inf", a 64-bit integer). */
	private static Double number(Object value) {
		if (value instanceof Number number) {
			return number.doubleValue();
		}
		return switch (String.valueOf(value)) {
			case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
			case "-Inf" -> Double.NEGATIVE_INFINITY;
			default -> Double.parseDouble(String.valueOf(value));
		};
	}

	/**
	 * A oneof of a float and an integer field: protobuf's JSON prints the one that is set, and
	 * neither when the integer one is 0.
	 */
	private static double either(Map<String, Object> message, String floatField, String integerField) {
		Object value = message.containsKey(floatField) ? message.get(floatField) : message.get(integerField);
		return (value != null) ? number(value) : 0;
	}

	/** Prometheus's API writes timestamps as seconds with a fraction: back to epoch millis. */
	private static long seconds(Object value) {
		return Math.round(number(value) * 1000);
	}

	@SuppressWarnings("unchecked")
	private static <T> List<T> list(Object value) {
		return (value == null) ? List.of() : (List<T>) value;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static <T> Map<String, T> stringMap(Object value) {
		return (Map<String, T>) value;
	}

}
