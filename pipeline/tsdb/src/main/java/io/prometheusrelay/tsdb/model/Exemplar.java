package io.prometheusrelay.tsdb.model;

import org.jspecify.annotations.Nullable;

/**
 * An exemplar of a series: a trace's labels and the value it saw, at a timestamp. Prometheus keeps
 * exemplars out of its blocks; this engine keeps them in its own files beside them.
 */
public record Exemplar(Labels labels, double value, long timestamp) {

	/** Equal when the value has the same bits. */
	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof Exemplar e && this.timestamp == e.timestamp
				&& Double.doubleToRawLongBits(this.value) == Double.doubleToRawLongBits(e.value)
				&& this.labels.equals(e.labels);
	}

	@Override
	public int hashCode() {
		return this.labels.hashCode() * 31 + Long.hashCode(this.timestamp);
	}

}
