package io.prometheusrelay.tsdb.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * A PromQL label matcher: {@code =}, {@code !=}, {@code =~}, {@code !~}. As in PromQL, a series
 * without the label is matched as if its value were empty, and a regular expression must match the
 * whole value, compiled as Prometheus does ({@code ^(?s:re)$}: {@code .} matches a newline too), by
 * RE2/J, whose matching takes time linear in the value whatever the pattern.
 */
public final class Matcher {

	public enum Type {

		EQUAL, NOT_EQUAL, REGEX, NOT_REGEX

	}

	/** Characters with a meaning in RE2 syntax; a literal alternation has none of them. */
	private static final String METACHARACTERS = "\\.+*?()|[]{}^$";

	private final Type type;

	private final String name;

	private final String value;

	private final @Nullable Pattern pattern;

	/** For {@code a|b|c}: the literals, matched without running the pattern (Prometheus's set matcher). */
	private final @Nullable List<String> alternatives;

	private final boolean matchesEmpty;

	private Matcher(Type type, String name, String value, @Nullable Pattern pattern) {
		this.type = type;
		this.name = name;
		this.value = value;
		this.pattern = pattern;
		this.alternatives = (pattern != null) ? literalAlternatives(value) : null;
		this.matchesEmpty = matches("");
	}

	public static Matcher equal(String name, String value) {
		return new Matcher(Type.EQUAL, name, value, null);
	}

	public static Matcher notEqual(String name, String value) {
		return new Matcher(Type.NOT_EQUAL, name, value, null);
	}

	/** @throws IllegalArgumentException if {@code regex} is not valid RE2 syntax */
	public static Matcher regex(String name, String regex) {
		return new Matcher(Type.REGEX, name, regex, compile(regex));
	}

	/** @throws IllegalArgumentException if {@code regex} is not valid RE2 syntax */
	public static Matcher notRegex(String name, String regex) {
		return new Matcher(Type.NOT_REGEX, name, regex, compile(regex));
	}

	public static Matcher of(Type type, String name, String value) {
		return switch (type) {
			case EQUAL -> equal(name, value);
			case NOT_EQUAL -> notEqual(name, value);
			case REGEX -> regex(name, value);
			case NOT_REGEX -> notRegex(name, value);
		};
	}

	/**
	 * Compiles {@code re} alone first: a pattern such as {@code a)|(b} would otherwise change meaning
	 * inside the group instead of being refused.
	 */
	private static Pattern compile(String regex) {
		try {
			Pattern.compile(regex);
			return Pattern.compile("(?s:" + regex + ")");
		}
		catch (PatternSyntaxException ex) {
			throw new IllegalArgumentException(ex.getDescription(), ex);
		}
	}

	public Type type() {
		return this.type;
	}

	public String name() {
		return this.name;
	}

	public String value() {
		return this.value;
	}

	/** Instructions of the compiled pattern (RE2/J's program size), 0 for an equality. */
	public int programSize() {
		return (this.pattern != null) ? this.pattern.programSize() : 0;
	}

	/** Whether a label value (or "" for a missing label) is matched. */
	public boolean matches(String labelValue) {
		boolean hit;
		if (this.pattern == null) {
			hit = this.value.equals(labelValue);
		}
		else if (this.alternatives != null) {
			hit = this.alternatives.contains(labelValue);
		}
		else {
			hit = this.pattern.matches(labelValue);
		}
		boolean negated = this.type == Type.NOT_EQUAL || this.type == Type.NOT_REGEX;
		return hit != negated;
	}

	/** Whether a series without the label is matched. */
	public boolean matchesEmpty() {
		return this.matchesEmpty;
	}

	public boolean matches(Labels labels) {
		return matches(labels.getOrEmpty(this.name));
	}

	/**
	 * The exact values a positive matcher selects, when it is an equality or an alternation of
	 * literals, so that their postings are looked up instead of every value tested; otherwise null.
	 */
	public @Nullable List<String> exactValues() {
		return switch (this.type) {
			case EQUAL -> List.of(this.value);
			case REGEX -> this.alternatives;
			default -> null;
		};
	}

	private static @Nullable List<String> literalAlternatives(String regex) {
		List<String> alternatives = new ArrayList<>();
		for (String alternative : regex.split("\\|", -1)) {
			for (int i = 0; i < alternative.length(); i++) {
				if (METACHARACTERS.indexOf(alternative.charAt(i)) >= 0) {
					return null;
				}
			}
			alternatives.add(alternative);
		}
		return List.copyOf(alternatives);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof Matcher m && this.type == m.type && this.name.equals(m.name)
				&& this.value.equals(m.value);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.type, this.name, this.value);
	}

	@Override
	public String toString() {
		String op = switch (this.type) {
			case EQUAL -> "=";
			case NOT_EQUAL -> "!=";
			case REGEX -> "=~";
			case NOT_REGEX -> "!~";
		};
		return this.name + op + "\"" + this.value + "\"";
	}

}
