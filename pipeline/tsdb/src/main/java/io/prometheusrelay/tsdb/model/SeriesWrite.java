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

}
