package io.prometheusrelay.tsdb.chunkenc;

import io.prometheusrelay.tsdb.model.CorruptionException;

/**
 * Gorilla's XOR compression of a float against the one before it ({@code <varbit_xor>}): a 0 bit
 * when equal; otherwise the meaningful bits of the XOR, inside the previous window of leading and
 * trailing zeros when they fit (control bits 10), or with a new window (control bits 11, 5 bits of
 * leading zeros, 6 of length). Floats go through by their raw bits, so NaN payloads survive.
 */
final class XorValue {

	/** No window yet: the next non-equal value must open one. */
	static final int NO_WINDOW = 0xFF;

	long bits;

	int leading;

	int trailing;

	private XorValue(long bits, int leading) {
		this.bits = bits;
		this.leading = leading;
	}

	/** A writer's state after a value written raw: the next XOR opens a window. */
	static XorValue forWriting(long bits) {
		return new XorValue(bits, NO_WINDOW);
	}

	/** A reader's state after a value read raw (Prometheus's readers start from a zero window). */
	static XorValue forReading(long bits) {
		return new XorValue(bits, 0);
	}

	void write(BitWriter out, long newBits) {
		long delta = newBits ^ this.bits;
		this.bits = newBits;
		if (delta == 0) {
			out.writeBit(false);
			return;
		}
		out.writeBit(true);
		int newLeading = Math.min(Long.numberOfLeadingZeros(delta), 31);
		int newTrailing = Long.numberOfTrailingZeros(delta);
		if (this.leading != NO_WINDOW && newLeading >= this.leading && newTrailing >= this.trailing) {
			out.writeBit(false);
			out.writeBits(delta >>> this.trailing, 64 - this.leading - this.trailing);
			return;
		}
		this.leading = newLeading;
		this.trailing = newTrailing;
		out.writeBit(true);
		out.writeBits(newLeading, 5);
		int significant = 64 - newLeading - newTrailing;
		// 64 significant bits are written as 0: six bits cannot hold 64, and 0 never occurs otherwise.
		out.writeBits(significant & 0x3F, 6);
		out.writeBits(delta >>> newTrailing, significant);
	}

	void read(BitReader in) {
		if (!in.readBit()) {
			return;
		}
		int significant;
		if (!in.readBit()) {
			significant = 64 - this.leading - this.trailing;
		}
		else {
			this.leading = (int) in.readBits(5);
			significant = (int) in.readBits(6);
			if (significant == 0) {
				significant = 64;
			}
			this.trailing = 64 - this.leading - significant;
			if (this.trailing < 0) {
				throw new CorruptionException("Invalid XOR window in a chunk");
			}
		}
		long delta = in.readBits(significant) << this.trailing;
		this.bits ^= delta;
	}

}
