package io.prometheusrelay.tsdb.encoding;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A growable byte buffer that writes what Prometheus's {@code encoding.Encbuf} writes: big-endian
 * integers, Go's unsigned and zig-zag varints, and strings prefixed by their UTF-8 length.
 */
public final class Encoder {

	private byte[] bytes;

	private int length;

	public Encoder() {
		this(64);
	}

	public Encoder(int capacity) {
		this.bytes = new byte[capacity];
	}

	public void reset() {
		this.length = 0;
	}

	public int length() {
		return this.length;
	}

	public Encoder putByte(int value) {
		ensure(1);
		this.bytes[this.length++] = (byte) value;
		return this;
	}

	public Encoder putBytes(byte[] value) {
		return putBytes(value, 0, value.length);
	}

	public Encoder putBytes(byte[] value, int offset, int count) {
		ensure(count);
		System.arraycopy(value, offset, this.bytes, this.length, count);
		this.length += count;
		return this;
	}

	public Encoder putBE32(int value) {
		ensure(4);
		this.bytes[this.length++] = (byte) (value >>> 24);
		this.bytes[this.length++] = (byte) (value >>> 16);
		this.bytes[this.length++] = (byte) (value >>> 8);
		this.bytes[this.length++] = (byte) value;
		return this;
	}

	public Encoder putBE64(long value) {
		putBE32((int) (value >>> 32));
		return putBE32((int) value);
	}

	/** Go's {@code binary.PutUvarint}: 7 bits a byte, low first, the high bit set on all but the last. */
	public Encoder putUvarint(long value) {
		ensure(10);
		while ((value & ~0x7FL) != 0) {
			this.bytes[this.length++] = (byte) ((value & 0x7F) | 0x80);
			value >>>= 7;
		}
		this.bytes[this.length++] = (byte) value;
		return this;
	}

	/** Go's {@code binary.PutVarint}: zig-zag, then as {@link #putUvarint}. */
	public Encoder putVarint(long value) {
		return putUvarint((value << 1) ^ (value >> 63));
	}

	public Encoder putUvarintString(String value) {
		byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
		putUvarint(utf8.length);
		return putBytes(utf8);
	}

	/** Overwrites four bytes at {@code position} (a length reserved before its section was written). */
	public void setBE32(int position, int value) {
		this.bytes[position] = (byte) (value >>> 24);
		this.bytes[position + 1] = (byte) (value >>> 16);
		this.bytes[position + 2] = (byte) (value >>> 8);
		this.bytes[position + 3] = (byte) value;
	}

	/** Appends the CRC32C of bytes {@code from} to the end, big-endian. */
	public Encoder putCrc32cOfRange(int from) {
		CRC32C crc = new CRC32C();
		crc.update(this.bytes, from, this.length - from);
		return putBE32((int) crc.getValue());
	}

	/** The bytes written so far, shared with this buffer until its next write. */
	public ByteBuffer asByteBuffer() {
		return ByteBuffer.wrap(this.bytes, 0, this.length);
	}

	public byte[] toByteArray() {
		return Arrays.copyOf(this.bytes, this.length);
	}

	/** The backing array; bytes past {@link #length()} are not the content. */
	public byte[] array() {
		return this.bytes;
	}

	private void ensure(int more) {
		if (this.length + more > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.length + more));
		}
	}

	/** Bytes {@link #putUvarint} takes for {@code value}. */
	public static int uvarintSize(long value) {
		int size = 1;
		while ((value & ~0x7FL) != 0) {
			value >>>= 7;
			size++;
		}
		return size;
	}

}
