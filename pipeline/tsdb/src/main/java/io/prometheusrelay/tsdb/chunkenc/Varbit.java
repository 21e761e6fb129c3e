package io.prometheusrelay.tsdb.chunkenc;

/**
 * The variable bit-width integers of the histogram encodings ({@code <varbit_int>} and
 * {@code <varbit_uint>}): a prefix of up to eight 1 bits ended by a 0 says how many bits follow, from
 * none (the value 0) to 64.
 */
final class Varbit {

	/** Bits that follow each prefix: 0b0, 0b10, 0b110, ... 0b11111110, 0b11111111. */
	private static final int[] SIZES = { 0, 3, 6, 9, 12, 18, 25, 56, 64 };

	private Varbit() {
	}

	static void putInt(BitWriter out, long value) {
		for (int prefix = 0; prefix < SIZES.length; prefix++) {
			int size = SIZES[prefix];
			if (prefix == 0 ? value == 0 : (size == 64 || fitsSigned(value, size))) {
				writePrefix(out, prefix);
				if (size > 0) {
					out.writeBits(value, size);
				}
				return;
			}
		}
	}

	static long readInt(BitReader in) {
		int size = SIZES[readPrefix(in)];
		if (size == 0) {
			return 0;
		}
		long bits = in.readBits(size);
		if (size < 64 && bits > (1L << (size - 1))) {
			// A negative value, written as its two's complement in {@code size} bits.
			bits -= 1L << size;
		}
		return bits;
	}

	static void putUint(BitWriter out, long value) {
		for (int prefix = 0; prefix < SIZES.length; prefix++) {
			int size = SIZES[prefix];
			if (prefix == 0 ? value == 0 : (size == 64 || Long.numberOfLeadingZeros(value) >= 64 - size)) {
				writePrefix(out, prefix);
				if (size > 0) {
					out.writeBits(value, size);
				}
				return;
			}
		}
	}

	static long readUint(BitReader in) {
		int size = SIZES[readPrefix(in)];
		return (size == 0) ? 0 : in.readBits(size);
	}

	/** Prometheus's {@code bitRange}: from -(2^(n-1) - 1) to 2^(n-1), both included. */
	static boolean fitsSigned(long value, int bits) {
		return -((1L << (bits - 1)) - 1) <= value && value <= (1L << (bits - 1));
	}

	private static void writePrefix(BitWriter out, int ones) {
		// ones 1 bits then a 0, except for eight 1 bits, which need no end.
		if (ones == 8) {
			out.writeBits(0xFF, 8);
		}
		else {
			out.writeBits(((1L << ones) - 1) << 1, ones + 1);
		}
	}

	private static int readPrefix(BitReader in) {
		int ones = 0;
		while (ones < 8 && in.readBit()) {
			ones++;
		}
		return ones;
	}

}
