package io.prometheusrelay.tsdb.model;

/**
 * What a histogram sample says of counter resets, as remote-write's {@code ResetHint} and Prometheus's
 * {@code CounterResetHint}. A chunk keeps the hint of its first sample in its header; the samples
 * after it read back as {@link #NO} (or {@link #GAUGE}), as nothing in a chunk can reset.
 */
public enum ResetHint {

	UNKNOWN,

	YES,

	NO,

	GAUGE

}
