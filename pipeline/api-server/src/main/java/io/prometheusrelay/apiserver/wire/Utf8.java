package io.prometheusrelay.apiserver.wire;

/**
 * Whether bytes are well-formed UTF-8 as RFC 3629 defines it: shortest forms only, no surrogates,
 * nothing above U+10FFFF. Such bytes decode to exactly one string, and that string encodes back to
 * them. The JDK has no check that does not decode.
 */
final class Utf8 {

	private Utf8() {
	}

	static boolean isValid(byte[] buf, int offset, int length) {
		int i = offset;
		int end = offset + length;
		while (i < end) {
			int b = buf[i] & 0xFF;
			if (b < 0x80) {
				i++;
				continue;
			}
			int continuations;
			int min = 0x80;
			int max = 0xBF;
			if (b >= 0xC2 && b <= 0xDF) {
				continuations = 1;
			}
			else if (b >= 0xE0 && b <= 0xEF) {
				continuations = 2;
				if (b == 0xE0) {
					min = 0xA0; // shorter forms are overlong
				}
				else if (b == 0xED) {
					max = 0x9F; // U+D800..U+DFFF are surrogates
				}
			}
			else if (b >= 0xF0 && b <= 0xF4) {
				continuations = 3;
				if (b == 0xF0) {
					min = 0x90; // shorter forms are overlong
				}
				else if (b == 0xF4) {
					max = 0x8F; // above U+10FFFF
				}
			}
			else {
				return false;
			}
			if (i + continuations >= end) {
				return false; // cut short
			}
			int second = buf[i + 1] & 0xFF;
			if (second < min || second > max) {
				return false;
			}
			for (int k = 2; k <= continuations; k++) {
				int next = buf[i + k] & 0xFF;
				if (next < 0x80 || next > 0xBF) {
					return false;
				}
			}
			i += continuations + 1;
		}
		return true;
	}

}
