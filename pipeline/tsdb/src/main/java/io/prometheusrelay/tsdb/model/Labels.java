package io.prometheusrelay.tsdb.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A series' label set: name and value pairs sorted by name, in Prometheus's order
 * ({@link Utf8Order}). Immutable; its hash is computed once, as series are looked up by it on every
 * append.
 */
public final class Labels implements Comparable<Labels> {

	public static final String METRIC_NAME = "__name__";

	public static final Labels EMPTY = new Labels(new String[0]);

	/** name0, value0, name1, value1, ... sorted by name. */
	private final String[] pairs;

	private final int hash;

	private Labels(String[] pairs) {
		this.pairs = pairs;
		this.hash = Arrays.hashCode(pairs);
	}

	/** A label set of {@code name, value, name, value, ...}, in any order. */
	public static Labels of(String... namesAndValues) {
		if (namesAndValues.length % 2 != 0) {
			throw new IllegalArgumentException("Labels come in name and value pairs: " + Arrays.toString(namesAndValues));
		}
		Builder builder = builder();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			builder.add(namesAndValues[i], namesAndValues[i + 1]);
		}
		return builder.build();
	}

	public static Labels of(Map<String, String> labels) {
		Builder builder = builder();
		labels.forEach(builder::add);
		return builder.build();
	}

	/**
	 * A label set from pairs already sorted by name, as an index stores them; the array is kept, not
	 * copied.
	 * @throws IllegalArgumentException if the names are not in order or one is given twice
	 */
	public static Labels ofSortedPairs(String[] pairs) {
		for (int i = 2; i < pairs.length; i += 2) {
			if (Utf8Order.compare(pairs[i - 2], pairs[i]) >= 0) {
				throw new IllegalArgumentException("Label names out of order: " + pairs[i - 2] + ", " + pairs[i]);
			}
		}
		return new Labels(pairs);
	}

	public static Builder builder() {
		return new Builder();
	}

	public int size() {
		return this.pairs.length / 2;
	}

	public boolean isEmpty() {
		return this.pairs.length == 0;
	}

	public String name(int i) {
		return this.pairs[2 * i];
	}

	public String value(int i) {
		return this.pairs[2 * i + 1];
	}

	/** The value of {@code name}, or null when the set has no such label. */
	public @Nullable String get(String name) {
		for (int i = 0; i < this.pairs.length; i += 2) {
			if (this.pairs[i].equals(name)) {
				return this.pairs[i + 1];
			}
		}
		return null;
	}

	/** The value of {@code name}, or "" when the set has no such label (as a matcher sees it). */
	public String getOrEmpty(String name) {
		String value = get(name);
		return (value != null) ? value : "";
	}

	/** Prometheus's {@code labels.Compare}: label by label, name then value; a prefix sorts first. */
	@Override
	public int compareTo(Labels other) {
		int length = Math.min(this.pairs.length, other.pairs.length);
		for (int i = 0; i < length; i++) {
			int c = Utf8Order.compare(this.pairs[i], other.pairs[i]);
			if (c != 0) {
				return c;
			}
		}
		return this.pairs.length - other.pairs.length;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof Labels labels && this.hash == labels.hash
				&& Arrays.equals(this.pairs, labels.pairs));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	/** As PromQL prints a series: {@code name{a="b", c="d"}}. */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		String metric = get(METRIC_NAME);
		if (metric != null) {
			text.append(metric);
		}
		text.append('{');
		boolean first = true;
		for (int i = 0; i < this.pairs.length; i += 2) {
			if (this.pairs[i].equals(METRIC_NAME)) {
				continue;
			}
			if (!first) {
				text.append(", ");
			}
			first = false;
			text.append(this.pairs[i]).append("=\"").append(escape(this.pairs[i + 1])).append('"');
		}
		return text.append('}').toString();
	}

	private static String escape(String value) {
		return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
	}

	/** Collects labels in any order; {@link #build()} sorts them and refuses a name given twice. */
	public static final class Builder {

		private final List<String[]> labels = new ArrayList<>();

		private Builder() {
		}

		public Builder add(String name, String value) {
			this.labels.add(new String[] { name, value });
			return this;
		}

		public Labels build() {
			String[][] sorted = this.labels.toArray(String[][]::new);
			Arrays.sort(sorted, (a, b) -> Utf8Order.compare(a[0], b[0]));
			String[] pairs = new String[sorted.length * 2];
			for (int i = 0; i < sorted.length; i++) {
				if (i > 0 && sorted[i][0].equals(sorted[i - 1][0])) {
					throw new IllegalArgumentException("Label name " + sorted[i][0] + " given twice");
				}
				pairs[2 * i] = sorted[i][0];
				pairs[2 * i + 1] = sorted[i][1];
			}
			return new Labels(pairs);
		}

	}

}
