package io.prometheusrelay.tsdb.chunkenc;

import java.util.Arrays;

/**
 * A stream of bits written left to right into bytes, as Prometheus's {@code bstream}. Chunks keep a
 * header (the sample count) in their first bytes, which {@link #setShort} rewrites in place.
 */
final class BitWriter {

	private byte[] bytes;

	private int length;

	/** Bits still free in the last byte (0 when it is full, or when there is none). */
	private int free;

	BitWriter(int headerBytes, int capacity) {
		this.bytes = new byte[Math.max(capacity, headerBytes)];
		this.length = headerBytes;
	}

	private BitWriter(byte[] bytes, int length, int free) {
		this.bytes = bytes;
		this.length = length;
		this.free = free;
	}

	void writeBit(boolean bit) {
		if (this.free == 0) {
			grow(1);
			this.bytes[this.length++] = 0;
			this.free = 8;
		}
		if (bit) {
			this.bytes[this.length - 1] |= (byte) (1 << (this.free - 1));
		}
		this.free--;
	}

	/** The {@code count} right-most bits of {@code value}, most significant first. */
	void writeBits(long value, int count) {
		while (count > 0) {
			if (this.free == 0) {
				grow(1);
				this.bytes[this.length++] = 0;
				this.free = 8;
			}
			int take = Math.min(count, this.free);
			int bits = (int) ((value >>> (count - take)) & ((1 << take) - 1));
			this.bytes[this.length - 1] |= (byte) (bits << (this.free - take));
			this.free -= take;
			count -= take;
		}
	}

	void writeByte(int value) {
		writeBits(value & 0xFF, 8);
	}

	void setShort(int position, int value) {
		this.bytes[position] = (byte) (value >>> 8);
		this.bytes[position + 1] = (byte) value;
	}

	int getShort(int position) {
		return ((this.bytes[position] & 0xFF) << 8) | (this.bytes[position + 1] & 0xFF);
	}

	void setByte(int position, int value) {
		this.bytes[position] = (byte) value;
	}

	int getByte(int position) {
		return this.bytes[position] & 0xFF;
	}

	/** The last byte written, which the next bits go into or follow, read only to load its cache line. */
	int touch() {
		return this.bytes[Math.max(this.length - 1, 0)];
	}

	/** Bytes written, the last one perhaps partly. */
	int length() {
		return this.length;
	}

	/** A copy of the bytes written, padded with zero bits to a whole byte. */
	byte[] toByteArray() {
		return Arrays.copyOf(this.bytes, this.length);
	}

	/** An independent copy that can be written on from here. */
	BitWriter copy() {
		return new BitWriter(Arrays.copyOf(this.bytes, Math.max(this.length, 1)), this.length, this.free);
	}

	/** Frees the spare capacity of a chunk that will not be written again. */
	void trim() {
		if (this.bytes.length > this.length) {
			this.bytes = Arrays.copyOf(this.bytes, this.length);
		}
	}

	private void grow(int more) {
		if (this.length + more > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length + (this.bytes.length >> 1) + 8,
					this.length + more));
		}
	}

}
