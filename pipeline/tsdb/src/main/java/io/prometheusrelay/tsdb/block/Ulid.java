package io.prometheusrelay.tsdb.block;

import java.security.SecureRandom;
import java.util.Random;

import org.jspecify.annotations.Nullable;

/**
 * A ULID, as Prometheus names blocks: 48 bits of milliseconds since the epoch, then 80 random bits,
 * written as 26 characters of Crockford's base 32. Sorting the names sorts the blocks by creation.
 */
public record Ulid(long high, long low) implements Comparable<Ulid> {

	private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private static final Random RANDOM = new SecureRandom();

	/** A new ULID for the given time. */
	public static Ulid at(long epochMillis) {
		if (epochMillis < 0 || epochMillis >= (1L << 48)) {
			throw new IllegalArgumentException("A ULID's time is 48 bits of milliseconds: " + epochMillis);
		}
		long random16 = RANDOM.nextInt(1 << 16);
		return new Ulid((epochMillis << 16) | random16, RANDOM.nextLong());
	}

	/** The ULID that {@code text} spells, or null when it spells none (any other file name). */
	public static @Nullable Ulid parse(String text) {
		if (text.length() != 26 || decode(text.charAt(0)) > 7) {
			return null;
		}
		long high = 0;
		long low = 0;
		for (int i = 0; i < 26; i++) {
			int digit = decode(text.charAt(i));
			if (digit < 0) {
				return null;
			}
			// Shift the 130-bit number (two zero bits on top) left by 5 and add the digit.
			high = (high << 5) | (low >>> 59);
			low = (low << 5) | digit;
		}
		return new Ulid(high, low);
	}

	public long epochMillis() {
		return this.high >>> 16;
	}

	@Override
	public int compareTo(Ulid other) {
		int c = Long.compareUnsigned(this.high, other.high);
		return (c != 0) ? c : Long.compareUnsigned(this.low, other.low);
	}

	@Override
	public String toString() {
		char[] text = new char[26];
		long high = this.high;
		long low = this.low;
		for (int i = 25; i >= 0; i--) {
			text[i] = ALPHABET[(int) (low & 31)];
			low = (low >>> 5) | (high << 59);
			high >>>= 5;
		}
		return new String(text);
	}

	private static int decode(char c) {
		char upper = Character.toUpperCase(c);
		for (int i = 0; i < ALPHABET.length; i++) {
			if (ALPHABET[i] == upper) {
				return i;
			}
		}
		return -1;
	}

}
