package io.prometheusrelay.proxy.exposition;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where the parts of one sample line are: {@code name{label="value",...} value [timestamp]}.
 *
 * @param nameEnd index after the metric name
 * @param closeBrace index of the '}' closing the labels, or -1 when there are none
 * @param presentIdentity one bit per identity label the line already has
 */
record SampleLine(int nameEnd, int closeBrace, int presentIdentity) {

	/** Parses the line in {@code [start, end)}; null when it is not a valid sample line. */
	static @Nullable SampleLine parse(String text, int start, int end, List<Map.Entry<String, String>> identity) {
		int pos = start;
		while (pos < end && isNameChar(text.charAt(pos), pos == start)) {
			pos++;
		}
		if (pos == start) {
			return null;
		}
		int nameEnd = pos;
		int closeBrace = -1;
		int present = 0;
		if (pos < end && text.charAt(pos) == '{') {
			pos++;
			while (true) {
				pos = skipSpaces(text, pos, end);
				if (pos < end && text.charAt(pos) == '}') {
					closeBrace = pos++;
					break;
				}
				int labelStart = pos;
				while (pos < end && isLabelNameChar(text.charAt(pos), pos == labelStart)) {
					pos++;
				}
				if (pos == labelStart || pos >= end || text.charAt(pos) != '=') {
					return null;
				}
				for (int i = 0; i < identity.size(); i++) {
					String label = identity.get(i).getKey();
					if (label.length() == pos - labelStart && text.startsWith(label, labelStart)) {
						present |= 1 << i;
					}
				}
				pos++;
				if (pos >= end || text.charAt(pos) != '"') {
					return null;
				}
				pos = skipQuoted(text, pos + 1, end);
				if (pos < 0) {
					return null;
				}
				pos = skipSpaces(text, pos, end);
				if (pos < end && text.charAt(pos) == ',') {
					pos++;
				}
				else if (pos >= end || text.charAt(pos) != '}') {
					return null;
				}
			}
		}
		if (pos >= end || text.charAt(pos) != ' ' && text.charAt(pos) != '\t') {
			return null;
		}
		pos = skipSpaces(text, pos, end);
		int valueStart = pos;
		while (pos < end && text.charAt(pos) != ' ' && text.charAt(pos) != '\t') {
			pos++;
		}
		if (!isFloat(text.substring(valueStart, pos))) {
			return null;
		}
		pos = skipSpaces(text, pos, end);
		if (pos < end) {
			int timestampStart = pos;
			if (text.charAt(pos) == '-') {
				pos++;
			}
			while (pos < end && Character.isDigit(text.charAt(pos))) {
				pos++;
			}
			if (pos == timestampStart || skipSpaces(text, pos, end) != end) {
				return null;
			}
		}
		return new SampleLine(nameEnd, closeBrace, present);
	}

	static boolean isMetricName(String text, int start, int end) {
		if (start >= end) {
			return false;
		}
		for (int i = start; i < end; i++) {
			if (!isNameChar(text.charAt(i), i == start)) {
				return false;
			}
		}
		return true;
	}

	private static boolean isNameChar(char c, boolean first) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
	}

	private static boolean isLabelNameChar(char c, boolean first) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
	}

	/** Index after the closing quote of a label value starting at {@code pos}, or -1. */
	private static int skipQuoted(String text, int pos, int end) {
		while (pos < end) {
			char c = text.charAt(pos);
			if (c == '\\') {
				if (pos + 1 >= end) {
					return -1;
				}
				char escaped = text.charAt(pos + 1);
				if (escaped != '\\' && escaped != '"' && escaped != 'n') {
					return -1;
				}
				pos += 2;
			}
			else if (c == '"') {
				return pos + 1;
			}
			else {
				pos++;
			}
		}
		return -1;
	}

	private static int skipSpaces(String text, int pos, int end) {
		while (pos < end && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
			pos++;
		}
		return pos;
	}

	private static boolean isFloat(String value) {
		switch (value) {
			case "NaN", "+Inf", "-Inf", "Inf", "+inf", "-inf", "inf" -> {
				return true;
			}
			default -> {
				if (value.isEmpty() || value.indexOf('x') >= 0 || value.indexOf('X') >= 0
						|| value.endsWith("d") || value.endsWith("D") || value.endsWith("f") || value.endsWith("F")) {
					return false;
				}
				try {
					Double.parseDouble(value);
					return true;
				}
				catch (NumberFormatException ex) {
					return false;
				}
			}
		}
	}

}
