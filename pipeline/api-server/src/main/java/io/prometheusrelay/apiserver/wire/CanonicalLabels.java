package io.prometheusrelay.apiserver.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.protocol.remotewrite.EncodedSeries;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.SeriesKey;

/**
 * The key the {@link WriteRequestDecoder} gives a series, and its decoding: the series' {@code labels}
 * fields in the canonical form {@link EncodedSeries#hasCanonicalLabels()} checks (one run of minimally
 * encoded {@code Label} messages, sorted by name, names unique), every name and value valid UTF-8.
 * Those checks are why decoding cannot fail (UTF-8's byte order is its code points' order, which
 * {@code Labels} checks); the engine decodes only a series it does not know by its key.
 */
final class CanonicalLabels {

	private static final int NAME_TAG = (1 << 3) | 2;

	private static final int VALUE_TAG = (2 << 3) | 2;

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
			ByteOrder.LITTLE_ENDIAN);

	private static final long HIGH_BITS = 0x8080808080808080L;

	private CanonicalLabels() {
	}

	/** Whether the series' labels can go keyed: canonical, and every name and value valid UTF-8. */
	static boolean canKey(EncodedSeries encoded) {
		if (!encoded.hasCanonicalLabels()) {
			return false;
		}
		// Most label sets are ASCII throughout, framing included; only a label longer than 127 bytes
		// or a character beyond ASCII sends this to the label by label check.
		return isAscii(encoded.buffer(), encoded.labelsOffset(), encoded.labelsLength()) || stringsAreUtf8(encoded);
	}

	/**
	 * Valid UTF-8 decodes one to one, so that one label set has one key; malformed bytes would not
	 * (a decoder replaces each with U+FFFD), and go the way of labels decoded at once.
	 */
	private static boolean stringsAreUtf8(EncodedSeries encoded) {
		for (int i = 0; i < encoded.labelCount(); i++) {
			if (!isUtf8(encoded.buffer(), encoded.nameOffset(i), encoded.nameLength(i))
					|| !isUtf8(encoded.buffer(), encoded.valueOffset(i), encoded.valueLength(i))) {
				return false;
			}
		}
		return true;
	}

	private static boolean isUtf8(byte[] buf, int offset, int length) {
		return isAscii(buf, offset, length) || Utf8.isValid(buf, offset, length);
	}

	private static boolean isAscii(byte[] buf, int offset, int length) {
		long high = 0;
		int i = offset;
		int end = offset + length;
		// Four words a step: one check of the bound for four loads.
		for (; i + 4 * Long.BYTES <= end; i += 4 * Long.BYTES) {
			high |= (long) LONGS.get(buf, i) | (long) LONGS.get(buf, i + Long.BYTES)
					| (long) LONGS.get(buf, i + 2 * Long.BYTES) | (long) LONGS.get(buf, i + 3 * Long.BYTES);
		}
		for (; i + Long.BYTES <= end; i += Long.BYTES) {
			high |= (long) LONGS.get(buf, i);
		}
		for (; i < end; i++) {
			high |= buf[i];
		}
		return (high & HIGH_BITS) == 0;
	}

	static Labels decode(SeriesKey key) {
		Cursor cursor = new Cursor(key.bytes(), key.offset());
		int end = key.offset() + key.length();
		List<String> pairs = new ArrayList<>(32);
		while (cursor.pos < end) {
			cursor.pos++; // the labels field's tag, checked by EncodedSeries
			int labelEnd = cursor.varint() + cursor.pos;
			String name = "";
			String value = "";
			while (cursor.pos < labelEnd) {
				int tag = cursor.buf[cursor.pos++];
				String string = cursor.string(cursor.varint());
				if (tag == NAME_TAG) {
					name = string;
				}
				else if (tag == VALUE_TAG) {
					value = string;
				}
			}
			pairs.add(name);
			pairs.add(value);
		}
		return Labels.ofSortedPairs(pairs.toArray(String[]::new));
	}

	private static final class Cursor {

		final byte[] buf;

		int pos;

		Cursor(byte[] buf, int pos) {
			this.buf = buf;
			this.pos = pos;
		}

		int varint() {
			int value = 0;
			for (int shift = 0;; shift += 7) {
				byte b = this.buf[this.pos++];
				value |= (b & 0x7F) << shift;
				if (b >= 0) {
					return value;
				}
			}
		}

		String string(int length) {
			String string = new String(this.buf, this.pos, length, StandardCharsets.UTF_8);
			this.pos += length;
			return string;
		}

	}

}
