package io.prometheusrelay.apiserver.store;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.prometheusrelay.protocol.remotewrite.EncodedSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequestReader;

/**
 * The newest sample of every series the store holds, for reads that must not touch the segments.
 * One writer (the store's) and any number of concurrent readers.
 */
public final class LatestIndex {

	/** A sample as the index keeps it. */
	public record LatestSample(double value, long timestamp) {
	}

	private final Map<SeriesKey, LatestSample> latest = new ConcurrentHashMap<>();

	/** Applies every series of an encoded WriteRequest; a sample older than the one held is ignored. */
	void apply(byte[] writeRequest) throws InvalidProtocolBufferException {
		WriteRequestReader.read(writeRequest, this::apply);
	}

	private void apply(EncodedSeries series) {
		if (series.sampleCount() == 0) {
			return;
		}
		int newest = 0;
		for (int i = 1; i < series.sampleCount(); i++) {
			if (series.sampleTimestamp(i) >= series.sampleTimestamp(newest)) {
				newest = i;
			}
		}
		LatestSample sample = new LatestSample(series.sampleValue(newest), series.sampleTimestamp(newest));
		this.latest.merge(new SeriesKey(series.canonicalLabels()), sample,
				(held, offered) -> (offered.timestamp() >= held.timestamp()) ? offered : held);
	}

	public Optional<LatestSample> get(SeriesKey key) {
		return Optional.ofNullable(this.latest.get(key));
	}

	public int size() {
		return this.latest.size();
	}

	/** Visits every series; concurrent updates may or may not be seen. */
	public void forEach(BiConsumer<SeriesKey, LatestSample> action) {
		this.latest.forEach(action);
	}

}
