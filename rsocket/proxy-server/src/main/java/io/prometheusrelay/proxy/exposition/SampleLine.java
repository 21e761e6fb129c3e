package io.prometheusrelay.proxy.exposition;

/**
 * Where the parts of one sample line are: {@code name{label="value",...} value [timestamp]}. One
 * instance reads all the lines of a scrape in turn (a million lines a scrape, no object each).
 */
final class SampleLine {

	private final byte[][] identityNames;

	private int nameEnd;

	private int closeBrace;

	private int presentIdentity;

	private int end;

	private int lineEnd;

	/** @param identityNames the identity labels' names, UTF-8, at most 31 */
	SampleLine(byte[][] identityNames) {
		this.identityNames = identityNames;
	}

	/** Index after the metric name of the line last read. */
	int nameEnd() {
		return this.nameEnd;
	}

	/** Index of the '}' closing the labels of the line last read, or -1 when it has none. */
	int closeBrace() {
		return this.closeBrace;
	}

	/** One bit per identity label the line last read already has. */
	int presentIdentity() {
		return this.presentIdentity;
	}

	/** End of the line last read, without its line break. */
	int end() {
		return this.end;
	}

	/** Index of the '\n' ending the line last read, or the text's length when it is the last one. */
	int lineEnd() {
		return this.lineEnd;
	}

	/**
	 * Reads the line starting at {@code start} of a UTF-8 text of {@code limit} bytes, finding its end
	 * on the way (one pass over the line); false when it is not a valid sample line.
	 */
	boolean read(byte[] text, int start, int limit) {
		int end = limit;
		int pos = start;
		while (pos < end && isNameChar(text[pos], pos == start)) {
			pos++;
		}
		if (pos == start) {
			return false;
		}
		int nameEnd = pos;
		int closeBrace = -1;
		int present = 0;
		if (pos < end && text[pos] == '{') {
			pos++;
			while (true) {
				pos = skipSpaces(text, pos, end);
				if (pos < end && text[pos] == '}') {
					closeBrace = pos++;
					break;
				}
				int labelStart = pos;
				while (pos < end && isLabelNameChar(text[pos], pos == labelStart)) {
					pos++;
				}
				if (pos == labelStart || pos >= end || text[pos] != '=') {
					return false;
				}
				present |= identityLabelsNamed(text, labelStart, pos, this.identityNames);
				pos++;
				if (pos >= end || text[pos] != '"') {
					return false;
				}
				pos = skipQuoted(text, pos + 1, end);
				if (pos < 0) {
					return false;
				}
				pos = skipSpaces(text, pos, end);
				if (pos < end && text[pos] == ',') {
					pos++;
				}
				else if (pos >= end || text[pos] != '}') {
					return false;
				}
			}
		}
		if (pos >= end || text[pos] != ' ' && text[pos] != '\t') {
			return false;
		}
		pos = skipSpaces(text, pos, end);
		int valueStart = pos;
		while (pos < end && !isBlankOrBreak(text[pos])) {
			pos++;
		}
		if (!isFloat(text, valueStart, pos)) {
			return false;
		}
		pos = skipSpaces(text, pos, end);
		if (pos < end && text[pos] != '\r' && text[pos] != '\n') {
			int timestampStart = (text[pos] == '-') ? pos + 1 : pos;
			pos = timestampStart;
			while (pos < end && text[pos] >= '0' && text[pos] <= '9') {
				pos++;
			}
			if (pos == timestampStart) {
				return false;
			}
			pos = skipSpaces(text, pos, end);
		}
		int contentEnd = pos;
		if (pos < end && text[pos] == '\r') {
			pos++;
		}
		if (pos < end && text[pos] != '\n') {
			return false;
		}
		this.end = contentEnd;
		this.lineEnd = pos;
		this.nameEnd = nameEnd;
		this.closeBrace = closeBrace;
		this.presentIdentity = present;
		return true;
	}

	private static int identityLabelsNamed(byte[] text, int start, int end, byte[][] identityNames) {
		int present = 0;
		for (int i = 0; i < identityNames.length; i++) {
			if (regionEquals(text, start, end, identityNames[i])) {
				present |= 1 << i;
			}
		}
		return present;
	}

	private static boolean isBlankOrBreak(byte c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r';
	}

	/**
	 * Whether {@code text[start, end)} holds {@code other}. A plain loop: for the short names compared
	 * here, millions of times a scrape, it beats {@code Arrays.equals} and its vectorized mismatch.
	 */
	static boolean regionEquals(byte[] text, int start, int end, byte[] other) {
		if (end - start != other.length) {
			return false;
		}
		for (int i = 0; i < other.length; i++) {
			if (text[start + i] != other[i]) {
				return false;
			}
		}
		return true;
	}

	static boolean isMetricName(byte[] text, int start, int end) {
		if (start >= end) {
			return false;
		}
		for (int i = start; i < end; i++) {
			if (!isNameChar(text[i], i == start)) {
				return false;
			}
		}
		return true;
	}

	private static boolean isNameChar(byte c, boolean first) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
	}

	static boolean isLabelNameChar(byte c, boolean first) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
	}

	/** Index after the closing quote of a label value starting at {@code pos}, or -1. */
	static int skipQuoted(byte[] text, int pos, int end) {
		while (pos < end) {
			byte c = text[pos];
			if (c == '\\') {
				if (pos + 1 >= end) {
					return -1;
				}
				byte escaped = text[pos + 1];
				if (escaped != '\\' && escaped != '"' && escaped != 'n') {
					return -1;
				}
				pos += 2;
			}
			else if (c == '"') {
				return pos + 1;
			}
			else if (c == '\n') {
				return -1;
			}
			else {
				pos++;
			}
		}
		return -1;
	}

	static int skipSpaces(byte[] text, int pos, int end) {
		while (pos < end && (text[pos] == ' ' || text[pos] == '\t')) {
			pos++;
		}
		return pos;
	}

	/**
	 * A decimal float as Prometheus reads sample values: optional sign, digits with an optional point,
	 * optional exponent; or Inf/Infinity (signed) and NaN, any case. Hexadecimal floats, which Go also
	 * reads, are left out: no client library writes them.
	 */
	static boolean isFloat(byte[] text, int start, int end) {
		int pos = start;
		if (pos < end && (text[pos] == '+' || text[pos] == '-')) {
			pos++;
		}
		if (isWord(text, pos, end, "inf") || isWord(text, pos, end, "infinity")) {
			return true;
		}
		if (pos == start && isWord(text, pos, end, "nan")) {
			return true;
		}
		int digits = 0;
		while (pos < end && text[pos] >= '0' && text[pos] <= '9') {
			pos++;
			digits++;
		}
		if (pos < end && text[pos] == '.') {
			pos++;
			while (pos < end && text[pos] >= '0' && text[pos] <= '9') {
				pos++;
				digits++;
			}
		}
		if (digits == 0) {
			return false;
		}
		if (pos < end && (text[pos] == 'e' || text[pos] == 'E')) {
			pos++;
			if (pos < end && (text[pos] == '+' || text[pos] == '-')) {
				pos++;
			}
			int exponentStart = pos;
			while (pos < end && text[pos] >= '0' && text[pos] <= '9') {
				pos++;
			}
			if (pos == exponentStart) {
				return false;
			}
		}
		return pos == end;
	}

	private static boolean isWord(byte[] text, int start, int end, String lowerCase) {
		if (end - start != lowerCase.length()) {
			return false;
		}
		for (int i = 0; i < lowerCase.length(); i++) {
			if ((text[start + i] | 0x20) != lowerCase.charAt(i)) {
				return false;
			}
		}
		return true;
	}

}
