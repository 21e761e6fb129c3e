package io.prometheusrelay.apiserver.store;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import com.google.protobuf.InvalidProtocolBufferException;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;

/**
 * The identity of a series: its labels in canonical encoding (the protobuf {@code labels} field of a
 * TimeSeries, sorted by name). Compact to keep in memory, cheap to compare, and ready to be written
 * into an outgoing TimeSeries as is.
 */
public final class SeriesKey {

	private final byte[] encodedLabels;

	private final int hash;

	SeriesKey(byte[] encodedLabels) {
		this.encodedLabels = encodedLabels;
		this.hash = Arrays.hashCode(encodedLabels);
	}

	/** The key of a series with these labels, in any order. */
	public static SeriesKey of(Map<String, String> labels) {
		TimeSeries.Builder series = TimeSeries.newBuilder();
		new TreeMap<>(labels).forEach((name, value) -> series.addLabels(Label.newBuilder().setName(name).setValue(value)));
		return new SeriesKey(series.build().toByteArray());
	}

	/** The canonical encoding; do not modify. */
	public byte[] encodedLabels() {
		return this.encodedLabels;
	}

	public Map<String, String> labels() {
		try {
			Map<String, String> labels = new LinkedHashMap<>();
			for (Label label : TimeSeries.parseFrom(this.encodedLabels).getLabelsList()) {
				labels.put(label.getName(), label.getValue());
			}
			return labels;
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("A series key holds invalid labels", ex);
		}
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof SeriesKey key) && this.hash == key.hash
				&& Arrays.equals(this.encodedLabels, key.encodedLabels);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		return labels().toString();
	}

}
