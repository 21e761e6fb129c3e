package io.prometheusrelay.tsdb.model;

import java.util.List;

/** One batch to store, all or nothing, under its identity. */
public record WriteBatch(BatchId id, List<SeriesWrite> series) {

	public int sampleCount() {
		int count = 0;
		for (SeriesWrite write : this.series) {
			count += write.samples().size();
		}
		return count;
	}

	/** The newest timestamp of any sample, {@link Long#MIN_VALUE} for a batch without samples. */
	public long maxTime() {
		long max = Long.MIN_VALUE;
		for (SeriesWrite write : this.series) {
			for (Sample sample : write.samples()) {
				max = Math.max(max, sample.timestamp());
			}
		}
		return max;
	}

}
