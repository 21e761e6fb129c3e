package io.prometheusrelay.apiserver.query;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Looks up label values in a series key's canonical encoding (repeated {@code Label} fields sorted
 * by name) without decoding the whole label set.
 */
public final class EncodedLabels {

	private static final byte[] METRIC_NAME = "__name__".getBytes(StandardCharsets.UTF_8);

	private EncodedLabels() {
	}

	/**
	 * Finds the value of the label {@code name}.
	 * @return {@code (offset << 32) | length} of the value bytes in {@code labels}, or -1 when the
	 * series has no such label
	 */
	static long findValue(byte[] labels, byte[] name) {
		int pos = 0;
		while (pos < labels.length) {
			pos++; // field tag of Label (1, length-delimited)
			int labelLength = readVarint(labels, pos);
			pos += varintSize(labelLength);
			int end = pos + labelLength;
			int nameOffset = pos;
			int nameLength = 0;
			int valueOffset = end;
			int valueLength = 0;
			while (pos < end) {
				int tag = labels[pos++];
				int length = readVarint(labels, pos);
				pos += varintSize(length);
				if (tag == 0x0A) {
					nameOffset = pos;
					nameLength = length;
				}
				else {
					valueOffset = pos;
					valueLength = length;
				}
				pos += length;
			}
			int order = Arrays.compareUnsigned(labels, nameOffset, nameOffset + nameLength, name, 0, name.length);
			if (order == 0) {
				return ((long) valueOffset << 32) | valueLength;
			}
			if (order > 0) {
				return -1; // sorted: we are past where the name would be
			}
			pos = end;
		}
		return -1;
	}

	/** The series' {@code __name__}, or "" when it has none. */
	public static String metricName(byte[] labels) {
		long found = findValue(labels, METRIC_NAME);
		return (found < 0) ? "" : new String(labels, (int) (found >>> 32), (int) found, StandardCharsets.UTF_8);
	}

	private static int readVarint(byte[] bytes, int pos) {
		int value = 0;
		for (int shift = 0;; shift += 7) {
			byte b = bytes[pos++];
			value |= (b & 0x7F) << shift;
			if (b >= 0) {
				return value;
			}
		}
	}

	private static int varintSize(int value) {
		int size = 1;
		while ((value & ~0x7F) != 0) {
			value >>>= 7;
			size++;
		}
		return size;
	}

}
