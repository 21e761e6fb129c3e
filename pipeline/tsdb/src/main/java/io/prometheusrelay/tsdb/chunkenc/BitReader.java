package io.prometheusrelay.tsdb.chunkenc;

import io.prometheusrelay.tsdb.model.CorruptionException;

/** Reads what {@link BitWriter} writes. Reading past the end is a {@link CorruptionException}. */
final class BitReader {

	private final byte[] bytes;

	private int index;

	private final int end;

	/** The byte being read, and how many of its bits are left. */
	private int current;

	private int left;

	BitReader(byte[] bytes, int offset, int end) {
		this.bytes = bytes;
		this.index = offset;
		this.end = end;
	}

	boolean readBit() {
		if (this.left == 0) {
			load();
		}
		this.left--;
		return ((this.current >>> this.left) & 1) != 0;
	}

	/** {@code count} bits (0 to 64), most significant first, as the low bits of the result. */
	long readBits(int count) {
		long value = 0;
		while (count > 0) {
			if (this.left == 0) {
				load();
			}
			int take = Math.min(count, this.left);
			this.left -= take;
			value = (value << take) | ((this.current >>> this.left) & ((1 << take) - 1));
			count -= take;
		}
		return value;
	}

	int readByte() {
		return (int) readBits(8);
	}

	/** Go's varint, read from the bit stream (the XOR chunk's first timestamp). */
	long readVarint() {
		long zigzag = readUvarint();
		return (zigzag >>> 1) ^ -(zigzag & 1);
	}

	/** Go's unsigned varint, read from the bit stream (the XOR chunk's second timestamp's delta). */
	long readUvarint() {
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
		throw new CorruptionException("Varint overflows 64 bits in a chunk");
	}

	private void load() {
		if (this.index >= this.end) {
			throw new CorruptionException("Chunk ends before its last sample");
		}
		this.current = this.bytes[this.index++] & 0xFF;
		this.left = 8;
	}

}
