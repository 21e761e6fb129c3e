package io.prometheusrelay.tsdb.model;

/**
 * A run of consecutive buckets of a native histogram: {@code offset} buckets after the previous
 * run's end (or, for the first, from index 0), {@code length} buckets long.
 */
public record Span(int offset, int length) {

	/** Buckets that the spans describe. */
	public static int bucketCount(Span[] spans) {
		int count = 0;
		for (Span span : spans) {
			count += span.length;
		}
		return count;
	}

}
