package io.prometheusrelay.tsdb.model;

/**
 * What a metric family is: its type, help and unit, as remote-write carries them. The newest a family
 * was sent with is kept.
 */
public record MetricMetadata(String family, Type type, String help, String unit) {

	/** Remote-write's metric types, in its numbering. */
	public enum Type {

		UNKNOWN, COUNTER, GAUGE, HISTOGRAM, GAUGE_HISTOGRAM, SUMMARY, INFO, STATESET

	}

}
