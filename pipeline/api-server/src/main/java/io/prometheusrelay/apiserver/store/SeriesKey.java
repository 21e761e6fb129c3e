package io.prometheusrelay.apiserver.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private final byte[] encodedLabels;

	private final int hash;

	SeriesKey(byte[] encodedLabels) {
		this.encodedLabels = encodedLabels;
		this.hash = hash(encodedLabels, 0, encodedLabels.length);
	}

	/**
	 * The hash of encoded labels; the same for a key and for a lookup probe over the same bytes.
	 * Eight bytes per step with a murmur3-style mix: a byte-at-a-time hash of ~300 bytes of labels
	 * per sample was a measurable share of the api-server's CPU.
	 */
	static int hash(byte[] bytes, int offset, int length) {
		long h = 0x9E3779B97F4A7C15L ^ length;
		int i = offset;
		int end = offset + length;
		for (; i + Long.BYTES <= end; i += Long.BYTES) {
			long k = (long) LONGS.get(bytes, i);
			h = Long.rotateLeft(h ^ (k * 0x87C37B91114253D5L), 31) * 0x4CF5AD432745937FL;
		}
		long tail = 0;
		for (int shift = 0; i < end; i++, shift += 8) {
			tail |= (bytes[i] & 0xFFL) << shift;
		}
		h ^= tail * 0x87C37B91114253D5L;
		h ^= h >>> 33;
		h *= 0xFF51AFD7ED558CCDL;
		h ^= h >>> 33;
		return (int) (h ^ (h >>> 32));
	}

	/** The key of labels already in canonical encoding (see {@code EncodedSeries#canonicalLabels()}). */
	public static SeriesKey fromEncoded(byte[] canonicalLabels) {
		return new SeriesKey(canonicalLabels);
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
