package io.prometheusrelay.tsdb.encoding;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import io.prometheusrelay.tsdb.model.CorruptionException;

/**
 * Reads what {@link Encoder} writes from a region of a buffer (a memory-mapped file, most often),
 * by absolute position, so many decoders can share one buffer. Reading past the region's end, or a
 * varint longer than ten bytes, is a {@link CorruptionException}: files are checked, never trusted.
 */
public final class Decoder {

	private final ByteBuffer buffer;

	private int position;

	private final int end;

	public Decoder(ByteBuffer buffer, int position, int end) {
		if (position < 0 || end > buffer.limit() || position > end) {
			throw new CorruptionException("Region [" + position + ", " + end + ") is outside of " + buffer.limit()
					+ " bytes");
		}
		this.buffer = buffer;
		this.position = position;
		this.end = end;
	}

	public static Decoder of(byte[] bytes) {
		return new Decoder(ByteBuffer.wrap(bytes), 0, bytes.length);
	}

	public int position() {
		return this.position;
	}

	public int remaining() {
		return this.end - this.position;
	}

	public void skip(int count) {
		need(count);
		this.position += count;
	}

	public int readByte() {
		need(1);
		return this.buffer.get(this.position++) & 0xFF;
	}

	public int readBE32() {
		need(4);
		int value = this.buffer.getInt(this.position);
		this.position += 4;
		return value;
	}

	public long readBE64() {
		need(8);
		long value = this.buffer.getLong(this.position);
		this.position += 8;
		return value;
	}

	public long readUvarint() {
		long value = 0;
		for (int shift = 0; shift < 70; shift += 7) {
			int b = readByte();
			if (shift == 63 && b > 1) {
				break;
			}
			value |= (long) (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return value;
			}
		}
		throw new CorruptionException("Varint overflows 64 bits at " + this.position);
	}

	public long readVarint() {
		long zigzag = readUvarint();
		return (zigzag >>> 1) ^ -(zigzag & 1);
	}

	/** An unsigned varint that must fit an {@code int}, as lengths and counts do. */
	public int readUvarintInt() {
		long value = readUvarint();
		if (value < 0 || value > Integer.MAX_VALUE) {
			throw new CorruptionException("Length " + Long.toUnsignedString(value) + " at " + this.position
					+ " is out of range");
		}
		return (int) value;
	}

	public String readUvarintString() {
		int length = readUvarintInt();
		need(length);
		String value;
		if (this.buffer.hasArray()) {
			value = new String(this.buffer.array(), this.buffer.arrayOffset() + this.position, length,
					StandardCharsets.UTF_8);
		}
		else {
			byte[] bytes = new byte[length];
			this.buffer.get(this.position, bytes);
			value = new String(bytes, StandardCharsets.UTF_8);
		}
		this.position += length;
		return value;
	}

	/** Compares the UTF-8 bytes of the next length-prefixed string with {@code other}'s, and skips it. */
	public int compareUvarintString(byte[] other) {
		int length = readUvarintInt();
		need(length);
		int common = Math.min(length, other.length);
		for (int i = 0; i < common; i++) {
			int c = (this.buffer.get(this.position + i) & 0xFF) - (other[i] & 0xFF);
			if (c != 0) {
				this.position += length;
				return c;
			}
		}
		this.position += length;
		return length - other.length;
	}

	public byte[] readBytes(int count) {
		need(count);
		byte[] bytes = new byte[count];
		this.buffer.get(this.position, bytes);
		this.position += count;
		return bytes;
	}

	/** The CRC32C of bytes [from, to) of the buffer. */
	public static int crc32c(ByteBuffer buffer, int from, int to) {
		CRC32C crc = new CRC32C();
		crc.update(buffer.slice(from, to - from));
		return (int) crc.getValue();
	}

	/**
	 * Checks that the four bytes at {@code to} hold the CRC32C of [from, to).
	 * @throws CorruptionException naming {@code what} when they do not
	 */
	public static void verifyCrc32c(ByteBuffer buffer, int from, int to, String what) {
		if (to + 4 > buffer.limit() || from < 0 || from > to) {
			throw new CorruptionException(what + ": checksum at " + to + " is outside of " + buffer.limit() + " bytes");
		}
		int expected = buffer.getInt(to);
		int actual = crc32c(buffer, from, to);
		if (expected != actual) {
			throw new CorruptionException(what + ": checksum mismatch (stored " + Integer.toHexString(expected)
					+ ", computed " + Integer.toHexString(actual) + ")");
		}
	}

	private void need(int count) {
		if (count < 0 || this.position + count > this.end || this.position + count < 0) {
			throw new CorruptionException("Read of " + count + " bytes at " + this.position + " passes the end ("
					+ this.end + ")");
		}
	}

}
