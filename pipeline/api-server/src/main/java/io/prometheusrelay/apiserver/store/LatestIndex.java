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

	private final Map<SeriesKey, LatestEntry> latest = new ConcurrentHashMap<>();

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
	private final SeriesProbe probe = new SeriesProbe();

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
		LatestEntry entry = this.latest.get(this.probe);
		if (sample < 0 && histogram < 0) {
			// Exemplars alone, as Prometheus 3 sends them: the series' entry, or one with no sample yet.
			if (entry == null) {
				entry = LatestEntry.withoutSample();
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
	private LatestEntry offerNewest(EncodedSeries series, int sample, int histogram, @Nullable LatestEntry entry) {
		// A histogram wins a tie, as it would arrive after a float in a later request.
		boolean isHistogram = histogram >= 0
				&& (sample < 0 || series.histogramTimestamp(histogram) >= series.sampleTimestamp(sample));
		long timestamp = isHistogram ? series.histogramTimestamp(histogram) : series.sampleTimestamp(sample);
		if (entry == null || timestamp >= entry.timestamp) {
			double value = isHistogram ? 0 : series.sampleValue(sample);
			byte[] encodedHistogram = isHistogram ? series.histogram(histogram) : null;
			if (entry == null) {
				entry = new LatestEntry(value, timestamp, encodedHistogram, series.createdTimestamp());
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
		LatestEntry entry = this.latest.get(key);
		return (entry != null) ? Optional.of(entry.read()) : Optional.empty();
	}

	public int size() {
		return this.latest.size();
	}

	/**
	 * Every series with its newest sample (unless only exemplars came for it yet), then its newest
	 * exemplar when it has one; concurrent updates may or may not be seen.
	 */
	public Iterator<IndexedSeries> iterator() {
		Iterator<Map.Entry<SeriesKey, LatestEntry>> entries = this.latest.entrySet().iterator();
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
				Map.Entry<SeriesKey, LatestEntry> entry = entries.next();
				LatestSample sample = entry.getValue().read();
				if (sample.exemplar() != null) {
					IndexedSeries exemplar = IndexedSeries.exemplar(entry.getKey(), sample.exemplarTimestamp(),
							sample.exemplar());
					if (sample.timestamp() == LatestEntry.NO_SAMPLE) {
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


}
