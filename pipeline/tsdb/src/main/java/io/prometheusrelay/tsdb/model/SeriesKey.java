package io.prometheusrelay.tsdb.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * A series' labels as the bytes a caller received them in, used to find the series without decoding
 * them into {@link Labels}. The engine never reads these bytes: it only compares them. So a caller
 * must give every series one encoding, the same every time, that no other label set shares (the
 * api-server gives the canonical {@code labels} fields of a remote-write {@code TimeSeries}, and only
 * when their names and values are valid UTF-8, whose decoding is one to one).
 * <p>
 * A key usually points into a request's buffer; a head keeps a copy of its bytes. Its hash reads
 * eight bytes at a time, because it is computed for every series of every batch.
 */
public final class SeriesKey {

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
			ByteOrder.LITTLE_ENDIAN);

	private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

	private final byte[] bytes;

	private final int offset;

	private final int length;

	private final int hash;

	/**
	 * The key {@code bytes[offset, offset + length)}; the array is kept, not copied.
	 * @throws IllegalArgumentException if the key is empty: a label set is never encoded in no bytes
	 */
	public SeriesKey(byte[] bytes, int offset, int length) {
		if (length <= 0) {
			throw new IllegalArgumentException("A series key has at least one byte");
		}
		this.bytes = bytes;
		this.offset = offset;
		this.length = length;
		this.hash = hash(bytes, offset, length);
	}

	/**
	 * Four lanes of eight bytes each: one lane's steps wait for each other's multiplications, four
	 * lanes' steps do not, and a label set is a few hundred bytes.
	 */
	private static int hash(byte[] bytes, int offset, int length) {
		long h0 = length * MULTIPLIER;
		long h1 = h0 + 1;
		long h2 = h0 + 2;
		long h3 = h0 + 3;
		int i = offset;
		int end = offset + length;
		for (; i + 4 * Long.BYTES <= end; i += 4 * Long.BYTES) {
			h0 = mix(h0, (long) LONGS.get(bytes, i));
			h1 = mix(h1, (long) LONGS.get(bytes, i + Long.BYTES));
			h2 = mix(h2, (long) LONGS.get(bytes, i + 2 * Long.BYTES));
			h3 = mix(h3, (long) LONGS.get(bytes, i + 3 * Long.BYTES));
		}
		for (; i + Long.BYTES <= end; i += Long.BYTES) {
			h0 = mix(h0, (long) LONGS.get(bytes, i));
		}
		for (; i < end; i++) {
			h0 = (h0 ^ (bytes[i] & 0xFF)) * MULTIPLIER;
		}
		long h = h0 + Long.rotateLeft(h1, 16) + Long.rotateLeft(h2, 32) + Long.rotateLeft(h3, 48);
		h = (h ^ (h >>> 29)) * MULTIPLIER;
		return (int) (h ^ (h >>> 32));
	}

	private static long mix(long h, long word) {
		return Long.rotateLeft(h ^ (word * MULTIPLIER), 29) * MULTIPLIER;
	}

	public byte[] bytes() {
		return this.bytes;
	}

	public int offset() {
		return this.offset;
	}

	public int length() {
		return this.length;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof SeriesKey key && this.hash == key.hash && this.length == key.length
				&& Arrays.equals(this.bytes, this.offset, this.offset + this.length, key.bytes, key.offset,
						key.offset + key.length));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		return "SeriesKey[" + this.length + " bytes]";
	}

}
