package io.prometheusrelay.proxy.exposition;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a sample line that names some of the proxy's identity labels itself, as Prometheus treats
 * a target's labels with {@code honor_labels: false}: the proxy's identity wins, and each label of
 * the application's own is kept as {@code exported_<name>}, prefixed again until the name is free
 * in the line. So no application can publish series as another one. Unlike Prometheus, a label
 * that agrees with the identity (same name, same value) stays as it is: an application that tags
 * its series with the {@code application} it also names in SETUP gets no copy of it. This is the
 * merge's slow path: only lines that name an identity label come here. Not thread-safe: one per
 * merged exposition.
 */
final class ExportedLabels {

	private static final byte[] PREFIX = "exported_".getBytes(StandardCharsets.US_ASCII);

	/** Per label of the line being written: name start, name end, value end (after its closing quote). */
	private int[] labels = new int[3 * 16];

	private int count;

	/**
	 * Writes {@code text[start, through)} with its identity-named labels renamed and the proxy's
	 * identity added, ending with the line's own line break when {@code through} includes one.
	 * @param closeBrace index of the line's '}' (the line has labels: it names an identity label)
	 * @param identityNames the identity labels' names
	 * @param identityLabels the identity labels as written, {@code name="value"}
	 */
	void writeLine(byte[] text, int start, int nameEnd, int closeBrace, int through, byte[][] identityNames,
			byte[][] identityLabels, ByteSink out) {
		readLabels(text, nameEnd + 1, closeBrace);
		out.write(text, start, nameEnd - start);
		out.write((byte) '{');
		int agreeing = 0;
		for (int label = 0; label < this.count; label++) {
			if (label > 0) {
				out.write((byte) ',');
			}
			int nameStart = this.labels[3 * label];
			int nameStop = this.labels[3 * label + 1];
			int valueEnd = this.labels[3 * label + 2];
			int agrees = indexOf(text, nameStart, valueEnd, identityLabels);
			if (agrees >= 0) {
				agreeing |= 1 << agrees;
			}
			else if (indexOf(text, nameStart, nameStop, identityNames) >= 0) {
				for (int i = freePrefixCount(text, nameStart, nameStop, identityNames); i > 0; i--) {
					out.write(PREFIX);
				}
			}
			out.write(text, nameStart, valueEnd - nameStart);
		}
		boolean comma = this.count > 0;
		for (int i = 0; i < identityLabels.length; i++) {
			if ((agreeing & (1 << i)) == 0) {
				if (comma) {
					out.write((byte) ',');
				}
				out.write(identityLabels[i]);
				comma = true;
			}
		}
		out.write(text, closeBrace, through - closeBrace);
	}

	/** Finds each label of {@code text[from, closeBrace)}, which {@link SampleLine} has already checked. */
	private void readLabels(byte[] text, int from, int closeBrace) {
		this.count = 0;
		int pos = SampleLine.skipSpaces(text, from, closeBrace);
		while (pos < closeBrace) {
			int nameStart = pos;
			while (SampleLine.isLabelNameChar(text[pos], pos == nameStart)) {
				pos++;
			}
			int nameStop = pos;
			// After the name: '=', then the quoted value.
			pos = SampleLine.skipQuoted(text, nameStop + 2, closeBrace);
			add(nameStart, nameStop, pos);
			pos = SampleLine.skipSpaces(text, pos, closeBrace);
			if (pos < closeBrace && text[pos] == ',') {
				pos = SampleLine.skipSpaces(text, pos + 1, closeBrace);
			}
		}
	}

	private void add(int nameStart, int nameStop, int valueEnd) {
		if (3 * this.count == this.labels.length) {
			this.labels = Arrays.copyOf(this.labels, this.labels.length * 2);
		}
		int i = 3 * this.count++;
		this.labels[i] = nameStart;
		this.labels[i + 1] = nameStop;
		this.labels[i + 2] = valueEnd;
	}

	/** Which of {@code candidates} {@code text[start, end)} holds, or -1. */
	private static int indexOf(byte[] text, int start, int end, byte[][] candidates) {
		for (int i = 0; i < candidates.length; i++) {
			if (SampleLine.regionEquals(text, start, end, candidates[i])) {
				return i;
			}
		}
		return -1;
	}

	/** How many {@code exported_} prefixes make the name free among the line's labels and the identity. */
	private int freePrefixCount(byte[] text, int start, int end, byte[][] identityNames) {
		int prefixes = 1;
		while (taken(text, start, end, prefixes, identityNames)) {
			prefixes++;
		}
		return prefixes;
	}

	private boolean taken(byte[] text, int start, int end, int prefixes, byte[][] identityNames) {
		for (int label = 0; label < this.count; label++) {
			if (isPrefixed(text, this.labels[3 * label], this.labels[3 * label + 1], prefixes, text, start, end)) {
				return true;
			}
		}
		for (byte[] name : identityNames) {
			if (isPrefixed(name, 0, name.length, prefixes, text, start, end)) {
				return true;
			}
		}
		return false;
	}

	/** Whether {@code candidate[from, to)} is {@code prefixes} times {@code exported_}, then {@code name[start, end)}. */
	private static boolean isPrefixed(byte[] candidate, int from, int to, int prefixes, byte[] name, int start,
			int end) {
		if (to - from != prefixes * PREFIX.length + (end - start)) {
			return false;
		}
		for (int i = 0; i < prefixes; i++) {
			if (!SampleLine.regionEquals(candidate, from + i * PREFIX.length, from + (i + 1) * PREFIX.length, PREFIX)) {
				return false;
			}
		}
		return Arrays.equals(candidate, from + prefixes * PREFIX.length, to, name, start, end);
	}

}
