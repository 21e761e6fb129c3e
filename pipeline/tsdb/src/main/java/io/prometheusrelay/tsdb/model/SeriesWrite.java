package io.prometheusrelay.tsdb.model;

import java.util.List;

/**
 * What a batch brings one series: samples of any kind and exemplars, in any order, and the created
 * timestamp of those samples (0 for none).
 */
public record SeriesWrite(Labels labels, List<Sample> samples, List<Exemplar> exemplars, long createdTimestamp) {

	public SeriesWrite(Labels labels, List<Sample> samples) {
		this(labels, samples, List.of(), 0);
	}

	/** The oldest sample's timestamp, {@link Long#MAX_VALUE} without samples. */
	public long sampleMinTime() {
		long min = Long.MAX_VALUE;
		for (Sample sample : this.samples) {
			min = Math.min(min, sample.timestamp());
		}
		return min;
	}

	/** The newest sample's timestamp, {@link Long#MIN_VALUE} without samples. */
	public long sampleMaxTime() {
		long max = Long.MIN_VALUE;
		for (Sample sample : this.samples) {
			max = Math.max(max, sample.timestamp());
		}
		return max;
	}

}
