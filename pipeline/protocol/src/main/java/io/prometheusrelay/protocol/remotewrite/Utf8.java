package io.prometheusrelay.protocol.remotewrite;

/** Strict UTF-8 validation (no overlong forms, no surrogates, nothing past U+10FFFF), without decoding. */
public final class Utf8 {

	private Utf8() {
	}

	public static boolean isValid(byte[] bytes, int offset, int length) {
		int i = offset;
		int end = offset + length;
		while (i < end && bytes[i] >= 0) {
			i++;
		}
		while (i < end) {
			int b = bytes[i++] & 0xFF;
			if (b < 0x80) {
				continue;
			}
			if (b < 0xC2) {
				return false;
			}
			if (b < 0xE0) {
				if (i >= end || !isContinuation(bytes[i++])) {
					return false;
				}
			}
			else if (b < 0xF0) {
				if (i + 1 >= end) {
					return false;
				}
				int b1 = bytes[i++] & 0xFF;
				if (!isContinuation((byte) b1) || (b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0)
						|| !isContinuation(bytes[i++])) {
					return false;
				}
			}
			else if (b < 0xF5) {
				if (i + 2 >= end) {
					return false;
				}
				int b1 = bytes[i++] & 0xFF;
				if (!isContinuation((byte) b1) || (b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90)
						|| !isContinuation(bytes[i++]) || !isContinuation(bytes[i++])) {
					return false;
				}
			}
			else {
				return false;
			}
		}
		return true;
	}

	private static boolean isContinuation(byte b) {
		return (b & 0xC0) == 0x80;
	}

}
