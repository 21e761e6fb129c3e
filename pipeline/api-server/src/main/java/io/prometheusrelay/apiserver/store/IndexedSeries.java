package io.prometheusrelay.apiserver.store;

import org.jspecify.annotations.Nullable;

/**
 * A series with one of its samples, histograms or exemplars, as reads stream them.
 * @param value the float value of a sample; 0 otherwise
 * @param message the encoded {@code Histogram}, {@code Exemplar} or {@code MetricMetadata} message,
 * sent on as it is; null for a sample
 * @param createdTimestamp of a sample or histogram: when its series started counting, as
 * remote-write 2.0 sent it; 0 for none
 */
public record IndexedSeries(SeriesKey key, Kind kind, double value, long timestamp, byte @Nullable [] message,
		long createdTimestamp) {

	/** A float sample. */
	public IndexedSeries(SeriesKey key, double value, long timestamp) {
		this(key, Kind.SAMPLE, value, timestamp, null, 0);
	}

	public static IndexedSeries histogram(SeriesKey key, long timestamp, byte[] histogram) {
		return new IndexedSeries(key, Kind.HISTOGRAM, 0, timestamp, histogram, 0);
	}

	public static IndexedSeries exemplar(SeriesKey key, long timestamp, byte[] exemplar) {
		return new IndexedSeries(key, Kind.EXEMPLAR, 0, timestamp, exemplar, 0);
	}

	public static IndexedSeries metadata(SeriesKey family, byte[] metadata) {
		return new IndexedSeries(family, Kind.METADATA, 0, 0, metadata, 0);
	}

	/** The same, with the series' created timestamp (0 for none): sent with samples and histograms. */
	public IndexedSeries created(long createdTimestamp) {
		return (createdTimestamp == this.createdTimestamp) ? this
				: new IndexedSeries(this.key, this.kind, this.value, this.timestamp, this.message, createdTimestamp);
	}

	/** What one read message of a series carries; METADATA: a family's, its only label {@code __name__}. */
	public enum Kind {

		SAMPLE, HISTOGRAM, EXEMPLAR, METADATA

	}

}

