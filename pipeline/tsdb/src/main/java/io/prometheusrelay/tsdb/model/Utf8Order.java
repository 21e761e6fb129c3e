package io.prometheusrelay.tsdb.model;

import java.util.Comparator;

/**
 * Compares strings as Go compares them: by their UTF-8 bytes, which is the order of their code
 * points. Prometheus's symbol table, series and postings are sorted that way, and its readers
 * binary-search them, so this engine must sort the same way. {@link String#compareTo} compares UTF-16
 * units instead, which differs for characters above U+FFFF against those from U+E000 to U+FFFF.
 */
public final class Utf8Order {

	/** The order of UTF-8 bytes (of code points). */
	public static final Comparator<String> COMPARATOR = Utf8Order::compare;

	private Utf8Order() {
	}

	public static int compare(String a, String b) {
		if (a == b) {
			// The head's series share their names and values: most comparisons end here.
			return 0;
		}
		int length = Math.min(a.length(), b.length());
		for (int i = 0; i < length; i++) {
			char x = a.charAt(i);
			char y = b.charAt(i);
			if (x != y) {
				if (x >= Character.MIN_SURROGATE && y >= Character.MIN_SURROGATE) {
					// Surrogates (above U+FFFF) must sort after U+E000..U+FFFF, not before.
					return codePointRank(x) - codePointRank(y);
				}
				return x - y;
			}
		}
		return a.length() - b.length();
	}

	private static int codePointRank(char c) {
		return (c >= 0xE000) ? c - 0x800 : c + 0x2000;
	}

}
