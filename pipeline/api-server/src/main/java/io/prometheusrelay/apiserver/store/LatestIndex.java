package io.prometheusrelay.apiserver.store;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.InvalidProtocolBufferException;
import io.prometheusrelay.protocol.remotewrite.EncodedMetadata;
import io.prometheusrelay.protocol.remotewrite.EncodedSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequestReader;
import org.jspecify.annotations.Nullable;

/**
 * The newest sample of every series the store holds, for reads that must not touch the segments:
 * a float sample, or a native histogram (kept as its encoded {@code Histogram} message, which reads
 * send on as it is). One writer (the store's writer thread) and any number of concurrent readers.
 * <p>
 * Built for the write rate: a series already known is found with a reusable probe key and its
 * sample is overwritten in place, so steady ingestion allocates nothing per sample (measured: key and
 * sample allocation per update, and the old-to-young references they create, were most of the
 * api-server's CPU).
 */
public final class LatestIndex {

	/**
	 * A sample as the index keeps it, with the series' newest exemplar.
	 * @param value the float value; 0 for a histogram
	 * @param histogram the encoded {@code Histogram} message, or null for a float sample
	 * @param exemplar the newest encoded {@code Exemplar} message, or null for none
	 * @param exemplarTimestamp that exemplar's timestamp
	 * @param createdTimestamp the sample's series' created timestamp, 0 for none
	 */
	public record LatestSample(double value, long timestamp, byte @Nullable [] histogram, byte @Nullable [] exemplar,
			long exemplarTimestamp, long createdTimestamp) {

		public LatestSample(double value, long timestamp) {
			this(value, timestamp, null, null, Long.MIN_VALUE, 0);
		}

	}

	private static final int SAMPLES = 0;

	private static final int HISTOGRAMS = 1;

	private static final int EXEMPLARS = 2;

	private final Map<SeriesKey, Entry> latest = new ConcurrentHashMap<>();

	/** Each metric family's newest metadata: its encoded {@code MetricMetadata} message, by family name. */
	private final Map<String, byte[]> metadata = new ConcurrentHashMap<>();

	/** Writer thread only: reads each metadata entry's family. */
	private final EncodedMetadata metadataEntry = new EncodedMetadata();

	/** Writer thread only: what {@link #apply(byte[])} hands the reader, made once (no allocation per request). */
	private final WriteRequestReader.Visitor visitor = new WriteRequestReader.Visitor() {

		@Override
		public void series(EncodedSeries series) {
			apply(series);
		}

		@Override
		public void metadata(byte[] buf, int offset, int length) {
			applyMetadata(buf, offset, length);
		}

	};

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
		WriteRequestReader.read(writeRequest, this.visitor);
		return this.newestInRequest;
	}

	private void apply(EncodedSeries series) {
		this.newestInRequest = Math.max(this.newestInRequest, series.maxTimestamp());
		int sample = newest(series, SAMPLES);
		int histogram = newest(series, HISTOGRAMS);
		int exemplar = newest(series, EXEMPLARS);
		if (sample < 0 && histogram < 0 && exemplar < 0) {
			return;
		}
		this.probe.set(series);
		Entry entry = this.latest.get(this.probe);
		if (sample < 0 && histogram < 0) {
			// Exemplars alone, as Prometheus 3 sends them: the series' entry, or one with no sample yet.
			if (entry == null) {
				entry = Entry.withoutSample();
				this.latest.put(this.probe.toKey(), entry);
			}
		}
		else {
			entry = offerNewest(series, sample, histogram, entry);
		}
		if (exemplar >= 0 && series.exemplarTimestamp(exemplar) >= entry.exemplarTimestamp) {
			entry.offerExemplar(series.exemplar(exemplar), series.exemplarTimestamp(exemplar));
		}
	}

	/** Offers the newer of the series' newest sample and newest histogram; returns the series' entry. */
	private Entry offerNewest(EncodedSeries series, int sample, int histogram, @Nullable Entry entry) {
		// A histogram wins a tie, as it would arrive after a float in a later request.
		boolean isHistogram = histogram >= 0
				&& (sample < 0 || series.histogramTimestamp(histogram) >= series.sampleTimestamp(sample));
		long timestamp = isHistogram ? series.histogramTimestamp(histogram) : series.sampleTimestamp(sample);
		if (entry == null || timestamp >= entry.timestamp) {
			double value = isHistogram ? 0 : series.sampleValue(sample);
			byte[] encodedHistogram = isHistogram ? series.histogram(histogram) : null;
			if (entry == null) {
				entry = new Entry(value, timestamp, encodedHistogram, series.createdTimestamp());
				this.latest.put(this.probe.toKey(), entry);
			}
			else {
				entry.offer(value, timestamp, encodedHistogram, series.createdTimestamp());
			}
		}
		return entry;
	}

	/** A family's metadata replaces what it had; an entry that cannot be read was refused by the receiver. */
	private void applyMetadata(byte[] buf, int offset, int length) {
		try {
			this.metadataEntry.read(buf, offset, length);
		}
		catch (InvalidProtocolBufferException ex) {
			return;
		}
		if (this.metadataEntry.familyLength() > 0) {
			this.metadata.put(this.metadataEntry.family(), Arrays.copyOfRange(buf, offset, offset + length));
		}
	}

	/** The newest encoded {@code MetricMetadata} of a metric family, or null when none was stored. */
	public byte @Nullable [] metadata(String family) {
		return this.metadata.get(family);
	}

	/** Whether any metric family has metadata: reads skip looking families up when none has. */
	public boolean hasMetadata() {
		return !this.metadata.isEmpty();
	}

	/**
	 * Index of the series' newest sample, histogram or exemplar (the last of equal timestamps), or -1
	 * for none. (No lambda for the timestamp: this runs for every series stored, and must not allocate.)
	 */
	private static int newest(EncodedSeries series, int kind) {
		int count = switch (kind) {
			case SAMPLES -> series.sampleCount();
			case HISTOGRAMS -> series.histogramCount();
			default -> series.exemplarCount();
		};
		int newest = -1;
		long newestTimestamp = Long.MIN_VALUE;
		for (int i = 0; i < count; i++) {
			long timestamp = switch (kind) {
				case SAMPLES -> series.sampleTimestamp(i);
				case HISTOGRAMS -> series.histogramTimestamp(i);
				default -> series.exemplarTimestamp(i);
			};
			if (newest < 0 || timestamp >= newestTimestamp) {
				newest = i;
				newestTimestamp = timestamp;
			}
		}
		return newest;
	}

	public Optional<LatestSample> get(SeriesKey key) {
		Entry entry = this.latest.get(key);
		return (entry != null) ? Optional.of(entry.read()) : Optional.empty();
	}

	public int size() {
		return this.latest.size();
	}

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

	/**
	 * Every series with its newest sample (unless only exemplars came for it yet), then its newest
	 * exemplar when it has one; concurrent updates may or may not be seen.
	 */
	public Iterator<IndexedSeries> iterator() {
		Iterator<Map.Entry<SeriesKey, Entry>> entries = this.latest.entrySet().iterator();
		return new Iterator<>() {

			private @Nullable IndexedSeries exemplar;

			@Override
			public boolean hasNext() {
				return this.exemplar != null || entries.hasNext();
			}

			@Override
			public IndexedSeries next() {
				IndexedSeries pending = this.exemplar;
				if (pending != null) {
					this.exemplar = null;
					return pending;
				}
				Map.Entry<SeriesKey, Entry> entry = entries.next();
				LatestSample sample = entry.getValue().read();
				if (sample.exemplar() != null) {
					IndexedSeries exemplar = IndexedSeries.exemplar(entry.getKey(), sample.exemplarTimestamp(),
							sample.exemplar());
					if (sample.timestamp() == Entry.NO_SAMPLE) {
						return exemplar;
					}
					this.exemplar = exemplar;
				}
				byte[] histogram = sample.histogram();
				IndexedSeries latest = (histogram != null)
						? IndexedSeries.histogram(entry.getKey(), sample.timestamp(), histogram)
						: new IndexedSeries(entry.getKey(), sample.value(), sample.timestamp());
				return latest.created(sample.createdTimestamp());
			}

		};
	}

	/**
	 * The newest sample of one series, overwritten in place by the writer. A sequence lock keeps
	 * readers from seeing the value of one sample with the timestamp of another. (A histogram's
	 * bytes are never changed once set: a newer one is a new array.)
	 */
	private static final class Entry {

		/** The timestamp of an entry that has exemplars but no sample or histogram yet. */
		static final long NO_SAMPLE = Long.MIN_VALUE;

		private volatile long sequence;

		private double value;

		/** Read without the lock by the writer only, which alone writes it. */
		private long timestamp;

		private byte @Nullable [] histogram;

		private byte @Nullable [] exemplar;

		private long createdTimestamp;

		/** Read without the lock by the writer only, which alone writes it. */
		private long exemplarTimestamp = Long.MIN_VALUE;

		Entry(double value, long timestamp, byte @Nullable [] histogram, long createdTimestamp) {
			this.value = value;
			this.timestamp = timestamp;
			this.histogram = histogram;
			this.createdTimestamp = createdTimestamp;
		}

		static Entry withoutSample() {
			return new Entry(0, NO_SAMPLE, null, 0);
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

		LatestSample read() {
			while (true) {
				long before = this.sequence;
				double value = this.value;
				long timestamp = this.timestamp;
				byte[] histogram = this.histogram;
				byte[] exemplar = this.exemplar;
				long exemplarTimestamp = this.exemplarTimestamp;
				long createdTimestamp = this.createdTimestamp;
				if ((before & 1) == 0 && before == this.sequence) {
					return new LatestSample(value, timestamp, histogram, exemplar, exemplarTimestamp, createdTimestamp);
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
