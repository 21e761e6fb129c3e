package io.prometheusrelay.tsdb.model;

import java.util.List;

/**
 * One batch to store, all or nothing, under its identity: series with their samples and exemplars,
 * and metric families' metadata. {@code minTime} and {@code maxTime} are the oldest and newest
 * timestamps it carries, which are also the batch's extent when it carries nothing but its identity
 * (a replica that copied its samples from a peer records it so).
 */
public record WriteBatch(BatchId id, List<SeriesWrite> series, List<MetricMetadata> metadata, long minTime,
		long maxTime) {

	/** A batch whose extent is that of its samples and exemplars. */
	public WriteBatch(BatchId id, List<SeriesWrite> series, List<MetricMetadata> metadata) {
		this(id, series, metadata, extent(series, true), extent(series, false));
	}

	public WriteBatch(BatchId id, List<SeriesWrite> series) {
		this(id, series, List.of());
	}

	public int sampleCount() {
		int count = 0;
		for (SeriesWrite write : this.series) {
			count += write.samples().size();
		}
		return count;
	}

	/** The first sample's timestamp, as a base that others are written relative to; 0 without samples. */
	public long firstSampleTime() {
		for (SeriesWrite write : this.series) {
			if (!write.samples().isEmpty()) {
				return write.samples().get(0).timestamp();
			}
		}
		return 0;
	}

	private static long extent(List<SeriesWrite> series, boolean min) {
		long extent = min ? Long.MAX_VALUE : Long.MIN_VALUE;
		for (SeriesWrite write : series) {
			for (Sample sample : write.samples()) {
				extent = min ? Math.min(extent, sample.timestamp()) : Math.max(extent, sample.timestamp());
			}
			for (Exemplar exemplar : write.exemplars()) {
				extent = min ? Math.min(extent, exemplar.timestamp()) : Math.max(extent, exemplar.timestamp());
			}
		}
		return extent;
	}

}
