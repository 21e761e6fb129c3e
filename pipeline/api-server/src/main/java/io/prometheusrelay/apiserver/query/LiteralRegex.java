package io.prometheusrelay.apiserver.query;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The regular expressions people write most, answered by comparing bytes instead of running the
 * pattern: an alternation of literals ({@code 5xx|4xx}, a dashboard's multi-value variable), a
 * literal prefix, suffix or infix with {@code .*} ({@code host-1.*}, {@code .*-prod-.*}). Prometheus
 * takes the same shortcuts. Anchored as a matcher is ({@code ^(?s:re)$}), so {@code .*} matches
 * anything; anything else, escapes included, is left to the pattern.
 */
final class LiteralRegex {

	/** Characters with a meaning in RE2 syntax; a literal has none of them. */
	private static final String METACHARACTERS = "\\.+*?()|[]{}^$";

	private static final String ANY = ".*";

	private enum Shape {

		ONE_OF, PREFIX, SUFFIX, INFIX

	}

	private final Shape shape;

	private final List<byte[]> literals;

	private LiteralRegex(Shape shape, List<byte[]> literals) {
		this.shape = shape;
		this.literals = literals;
	}

	/** The shortcut for {@code regex}, or null when it is not one of the shapes. */
	static @Nullable LiteralRegex of(String regex) {
		if (regex.length() >= 4 && regex.startsWith(ANY) && regex.endsWith(ANY)
				&& isLiteral(regex.substring(2, regex.length() - 2))) {
			return new LiteralRegex(Shape.INFIX, List.of(bytes(regex.substring(2, regex.length() - 2))));
		}
		if (regex.endsWith(ANY) && isLiteral(regex.substring(0, regex.length() - 2))) {
			return new LiteralRegex(Shape.PREFIX, List.of(bytes(regex.substring(0, regex.length() - 2))));
		}
		if (regex.startsWith(ANY) && isLiteral(regex.substring(2))) {
			return new LiteralRegex(Shape.SUFFIX, List.of(bytes(regex.substring(2))));
		}
		List<byte[]> alternatives = new ArrayList<>();
		for (String alternative : regex.split("\\|", -1)) {
			if (!isLiteral(alternative)) {
				return null;
			}
			alternatives.add(bytes(alternative));
		}
		return new LiteralRegex(Shape.ONE_OF, List.copyOf(alternatives));
	}

	/** Whether the value at {@code offset} ({@code length} bytes of UTF-8) matches. */
	boolean matches(byte[] bytes, int offset, int length) {
		byte[] literal = this.literals.get(0);
		return switch (this.shape) {
			case PREFIX -> length >= literal.length && Arrays.equals(bytes, offset, offset + literal.length, literal, 0,
					literal.length);
			case SUFFIX -> length >= literal.length && Arrays.equals(bytes, offset + length - literal.length,
					offset + length, literal, 0, literal.length);
			case INFIX -> contains(bytes, offset, length, literal);
			case ONE_OF -> oneOf(bytes, offset, length);
		};
	}

	private boolean oneOf(byte[] bytes, int offset, int length) {
		for (byte[] literal : this.literals) {
			if (Arrays.equals(bytes, offset, offset + length, literal, 0, literal.length)) {
				return true;
			}
		}
		return false;
	}

	private static boolean contains(byte[] bytes, int offset, int length, byte[] literal) {
		for (int start = offset; start + literal.length <= offset + length; start++) {
			if (Arrays.equals(bytes, start, start + literal.length, literal, 0, literal.length)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isLiteral(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (METACHARACTERS.indexOf(text.charAt(i)) >= 0) {
				return false;
			}
		}
		return true;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
