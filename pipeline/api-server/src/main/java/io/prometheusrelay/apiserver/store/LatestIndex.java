package io.prometheusrelay.apiserver.store;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.InvalidProtocolBufferException;
import io.prometheusrelay.protocol.remotewrite.EncodedSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequestReader;

/**
 * The newest sample of every series the store holds, for reads that must not touch the segments.
 * One writer (the store's writer thread) and any number of concurrent readers.
 * <p>
 * Built for the write rate: a series already known is found with a reusable probe key and its
 * sample is overwritten in place, so steady ingestion allocates nothing per sample (measured: key and
 * sample allocation per update, and the old-to-young references they create, were most of the
 * api-server's CPU).
 */
public final class LatestIndex {

	/** A sample as the index keeps it. */
	public record LatestSample(double value, long timestamp) {
	}

	private final Map<SeriesKey, Entry> latest = new ConcurrentHashMap<>();

	/** Writer thread only: the labels of the series being applied, in canonical encoding. */
	private final Probe probe = new Probe();

	/** Writer thread only: the newest sample timestamp of the request being applied. */
	private long newestInRequest;

	/**
	 * Applies every series of an encoded WriteRequest; a sample older than the one held is ignored.
	 * @return the newest sample timestamp in the request, {@link Long#MIN_VALUE} if it has none
	 */
	long apply(byte[] writeRequest) throws InvalidProtocolBufferException {
		this.newestInRequest = Long.MIN_VALUE;
		WriteRequestReader.read(writeRequest, this::apply);
		return this.newestInRequest;
	}

	private void apply(EncodedSeries series) {
		this.newestInRequest = Math.max(this.newestInRequest, series.maxTimestamp());
		if (series.sampleCount() == 0) {
			return;
		}
		int newest = 0;
		for (int i = 1; i < series.sampleCount(); i++) {
			if (series.sampleTimestamp(i) >= series.sampleTimestamp(newest)) {
				newest = i;
			}
		}
		double value = series.sampleValue(newest);
		long timestamp = series.sampleTimestamp(newest);
		this.probe.set(series);
		Entry entry = this.latest.get(this.probe);
		if (entry == null) {
			this.latest.put(this.probe.toKey(), new Entry(value, timestamp));
		}
		else {
			entry.offer(value, timestamp);
		}
	}

	public Optional<LatestSample> get(SeriesKey key) {
		Entry entry = this.latest.get(key);
		return (entry != null) ? Optional.of(entry.read()) : Optional.empty();
	}

	public int size() {
		return this.latest.size();
	}

	/** A series with its newest sample, as iterated. */
	public record IndexedSeries(SeriesKey key, double value, long timestamp) {
	}

	/** Every series with its newest sample; concurrent updates may or may not be seen. */
	public Iterator<IndexedSeries> iterator() {
		Iterator<Map.Entry<SeriesKey, Entry>> entries = this.latest.entrySet().iterator();
		return new Iterator<>() {

			@Override
			public boolean hasNext() {
				return entries.hasNext();
			}

			@Override
			public IndexedSeries next() {
				Map.Entry<SeriesKey, Entry> entry = entries.next();
				LatestSample sample = entry.getValue().read();
				return new IndexedSeries(entry.getKey(), sample.value(), sample.timestamp());
			}

		};
	}

	/**
	 * The newest sample of one series, overwritten in place by the writer. A sequence lock keeps
	 * readers from seeing the value of one sample with the timestamp of another.
	 */
	private static final class Entry {

		private volatile long sequence;

		private double value;

		private long timestamp;

		Entry(double value, long timestamp) {
			this.value = value;
			this.timestamp = timestamp;
		}

		/** Writer only. */
		void offer(double value, long timestamp) {
			if (timestamp < this.timestamp) {
				return;
			}
			long next = this.sequence + 1;
			this.sequence = next;
			this.value = value;
			this.timestamp = timestamp;
			this.sequence = next + 1;
		}

		LatestSample read() {
			while (true) {
				long before = this.sequence;
				double value = this.value;
				long timestamp = this.timestamp;
				if ((before & 1) == 0 && before == this.sequence) {
					return new LatestSample(value, timestamp);
				}
				Thread.onSpinWait();
			}
		}

	}

	/**
	 * A lookup key over labels in canonical encoding, without a copy: the labels as sent when they
	 * already are canonical (as Prometheus sends them), otherwise re-encoded into a reused buffer.
	 * {@link ConcurrentHashMap#get} compares the key it is given with the stored ones
	 * ({@code probe.equals(stored)}), so a probe finds a {@link SeriesKey} without one being allocated.
	 */
	private static final class Probe {

		private byte[] scratch = new byte[512];

		private byte[] bytes = this.scratch;

		private int offset;

		private int length;

		private int hash;

		void set(EncodedSeries series) {
			if (series.hasCanonicalLabels()) {
				this.bytes = series.buffer();
				this.offset = series.labelsOffset();
				this.length = series.labelsLength();
			}
			else {
				int[] order = series.labelOrder();
				int needed = series.canonicalLabelsLength(order);
				if (needed > this.scratch.length) {
					this.scratch = new byte[Math.max(needed, this.scratch.length * 2)];
				}
				this.bytes = this.scratch;
				this.offset = 0;
				this.length = series.writeCanonicalLabels(order, this.scratch, 0);
			}
			this.hash = SeriesKey.hash(this.bytes, this.offset, this.length);
		}

		SeriesKey toKey() {
			return new SeriesKey(Arrays.copyOfRange(this.bytes, this.offset, this.offset + this.length));
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

		@Override
		public boolean equals(Object other) {
			return (other instanceof SeriesKey key) && key.hashCode() == this.hash && Arrays.equals(key.encodedLabels(),
					0, key.encodedLabels().length, this.bytes, this.offset, this.offset + this.length);
		}

	}

}
