package io.prometheusrelay.apiserver.store;

import org.jspecify.annotations.Nullable;

/**
 * The newest sample of one series in the {@link LatestIndex}, overwritten in place by the writer. A sequence lock keeps
 * readers from seeing the value of one sample with the timestamp of another. (A histogram's
 * bytes are never changed once set: a newer one is a new array.)
 */
final class LatestEntry {

	/** The timestamp of an entry that has exemplars but no sample or histogram yet. */
	static final long NO_SAMPLE = Long.MIN_VALUE;

	private volatile long sequence;

	private double value;

	/** Read without the lock by the writer only, which alone writes it. */
	long timestamp;

	private byte @Nullable [] histogram;

	private byte @Nullable [] exemplar;

	private long createdTimestamp;

	/** Read without the lock by the writer only, which alone writes it. */
	long exemplarTimestamp = Long.MIN_VALUE;

	LatestEntry(double value, long timestamp, byte @Nullable [] histogram, long createdTimestamp) {
		this.value = value;
		this.timestamp = timestamp;
		this.histogram = histogram;
		this.createdTimestamp = createdTimestamp;
	}

	static LatestEntry withoutSample() {
		return new LatestEntry(0, NO_SAMPLE, null, 0);
	}

	/** Writer only. */
	void offer(double value, long timestamp, byte @Nullable [] histogram, long createdTimestamp) {
		if (timestamp < this.timestamp) {
			return;
		}
		long next = this.sequence + 1;
		this.sequence = next;
		this.value = value;
		this.timestamp = timestamp;
		this.histogram = histogram;
		this.createdTimestamp = createdTimestamp;
		this.sequence = next + 1;
	}

	/** Writer only. */
	void offerExemplar(byte[] exemplar, long timestamp) {
		long next = this.sequence + 1;
		this.sequence = next;
		this.exemplar = exemplar;
		this.exemplarTimestamp = timestamp;
		this.sequence = next + 1;
	}

	LatestIndex.LatestSample read() {
		while (true) {
			long before = this.sequence;
			double value = this.value;
			long timestamp = this.timestamp;
			byte[] histogram = this.histogram;
			byte[] exemplar = this.exemplar;
			long exemplarTimestamp = this.exemplarTimestamp;
			long createdTimestamp = this.createdTimestamp;
			if ((before & 1) == 0 && before == this.sequence) {
				return new LatestIndex.LatestSample(value, timestamp, histogram, exemplar, exemplarTimestamp, createdTimestamp);
			}
			Thread.onSpinWait();
		}
	}

}
