package io.prometheusrelay.apiserver.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import org.jspecify.annotations.Nullable;

/**
 * A PromQL-style selector: every matcher must match. As in PromQL, a regular expression must match
 * the whole value, and a series without the label is matched as if its value were empty (so
 * {@code job!="x"} selects series without a {@code job} label).
 * <p>
 * Regular expressions are RE2's, as in Prometheus, run by RE2/J: matching takes time linear in the
 * value's length whatever the pattern, where {@code java.util.regex} backtracks (a 17-character
 * pattern took seconds on a 26-character value). Prometheus anchors a matcher as
 * {@code ^(?s:re)$}: {@code .} matches a newline too, and the match is of the whole value.
 * <p>
 * A selector compiled for a call remembers each regex outcome per distinct value, so it belongs to
 * that call: use it from one thread at a time. {@link #all()} is shared and remembers nothing.
 */
public final class SeriesSelector {

	private static final SeriesSelector ALL = new SeriesSelector(List.of());

	/**
	 * Bytes of values (plus a map entry's overhead each) a selector's regex matchers remember, at most:
	 * with the default 256 calls at once, 64 MiB in all at worst.
	 */
	private static final int MEMO_BUDGET = 256 * 1024;

	/** What remembering one value costs besides its bytes: the map entry, the key and its array. */
	private static final int MEMO_ENTRY_OVERHEAD = 96;

	private final List<Matcher> matchers;

	private SeriesSelector(List<Matcher> matchers) {
		this.matchers = List.copyOf(matchers);
	}

	/**
	 * Whether any matcher runs a pattern: matching then costs more than comparing bytes per series.
	 * Literal shapes ({@link LiteralRegex}) compare bytes.
	 */
	public boolean runsPatterns() {
		return this.matchers.stream().anyMatch(Matcher::runsPattern);
	}

	/** Selects every series. */
	public static SeriesSelector all() {
		return ALL;
	}

	/**
	 * Compiles request matchers.
	 * @throws InvalidQueryException for more than {@code maxMatchers} matchers, an empty label name,
	 * a regular expression longer than {@code maxRegexLength} characters, one that does not compile,
	 * or one whose program is larger than {@code maxProgramSize} instructions
	 */
	public static SeriesSelector compile(List<LabelMatcher> matchers, int maxMatchers, int maxRegexLength,
			int maxProgramSize) {
		if (matchers.size() > maxMatchers) {
			throw new InvalidQueryException(
					"too many matchers: " + matchers.size() + " (at most " + maxMatchers + ")");
		}
		List<Matcher> compiled = new ArrayList<>();
		MemoBudget budget = new MemoBudget();
		for (LabelMatcher matcher : matchers) {
			if (matcher.getName().isEmpty()) {
				throw new InvalidQueryException("matcher with an empty label name");
			}
			compiled.add(compileOne(matcher, maxRegexLength, maxProgramSize, budget));
		}
		return new SeriesSelector(compiled);
	}

	private static Matcher compileOne(LabelMatcher matcher, int maxRegexLength, int maxProgramSize, MemoBudget budget) {
		byte[] name = matcher.getName().getBytes(StandardCharsets.UTF_8);
		String value = matcher.getValue();
		switch (matcher.getType()) {
			case EQ, NEQ -> {
				return new Matcher(name, matcher.getType() == LabelMatcher.Type.NEQ, value.getBytes(StandardCharsets.UTF_8));
			}
			case RE, NRE -> {
				if (value.length() > maxRegexLength) {
					throw new InvalidQueryException("regular expression for '" + matcher.getName() + "' is longer than "
							+ maxRegexLength + " characters");
				}
				Pattern pattern = anchored(matcher.getName(), value);
				if (pattern.programSize() > maxProgramSize) {
					throw new InvalidQueryException("regular expression for '" + matcher.getName() + "' is too complex: "
							+ pattern.programSize() + " instructions compiled (at most " + maxProgramSize + ")");
				}
				return new Matcher(name, matcher.getType() == LabelMatcher.Type.NRE, pattern, LiteralRegex.of(value),
						budget);
			}
			default -> throw new InvalidQueryException("unknown matcher type " + matcher.getTypeValue());
		}
	}

	/**
	 * {@code ^(?s:re)$}, as Prometheus compiles a matcher. {@code re} is compiled alone first: a
	 * pattern such as {@code a)|(b} would otherwise change meaning inside the group instead of being
	 * refused.
	 */
	private static Pattern anchored(String label, String regex) {
		try {
			Pattern.compile(regex);
			return Pattern.compile("(?s:" + regex + ")");
		}
		catch (PatternSyntaxException ex) {
			throw new InvalidQueryException("invalid regular expression for '" + label + "': " + ex.getDescription());
		}
	}

	/** Whether a series, by its labels in canonical encoding, is selected. */
	public boolean matches(byte[] encodedLabels) {
		for (Matcher matcher : this.matchers) {
			if (!matcher.matches(encodedLabels)) {
				return false;
			}
		}
		return true;
	}

	/** What the regex matchers of one selector may still remember, in bytes. */
	private static final class MemoBudget {

		private int left = MEMO_BUDGET;

	}

	private static final class Matcher {

		private final byte[] name;

		private final boolean negated;

		private final byte[] equalTo;

		private final @Nullable Pattern pattern;

		/** The pattern's answer by comparing bytes, when it has one of the literal shapes. */
		private final @Nullable LiteralRegex literal;

		/**
		 * The outcome of the pattern for each value seen so far: series share values ({@code __name__},
		 * {@code job}), so a scan runs the pattern once per distinct value, as far as the budget allows.
		 * One call's reads use a selector, one thread at a time. Empty and never written for equality.
		 */
		private final Map<ByteBuffer, Boolean> memo;

		private final MemoBudget budget;

		Matcher(byte[] name, boolean negated, byte[] equalTo) {
			this.name = name;
			this.negated = negated;
			this.equalTo = equalTo;
			this.pattern = null;
			this.literal = null;
			this.memo = Map.of();
			this.budget = new MemoBudget();
		}

		Matcher(byte[] name, boolean negated, Pattern pattern, @Nullable LiteralRegex literal, MemoBudget budget) {
			this.name = name;
			this.negated = negated;
			this.equalTo = new byte[0];
			this.pattern = pattern;
			this.literal = literal;
			this.memo = new HashMap<>();
			this.budget = budget;
		}

		boolean runsPattern() {
			return this.pattern != null && this.literal == null;
		}

		boolean matches(byte[] labels) {
			long found = EncodedLabels.findValue(labels, this.name);
			int offset = (found < 0) ? 0 : (int) (found >>> 32);
			int length = (found < 0) ? 0 : (int) found;
			Pattern pattern = this.pattern;
			LiteralRegex literal = this.literal;
			boolean hit;
			if (pattern == null) {
				hit = Arrays.equals(labels, offset, offset + length, this.equalTo, 0, this.equalTo.length);
			}
			else if (literal != null) {
				hit = literal.matches(labels, offset, length);
			}
			else {
				// Matched as UTF-8, the encoding the labels are stored in: no String per series.
				ByteBuffer value = ByteBuffer.wrap(Arrays.copyOfRange(labels, offset, offset + length));
				Boolean known = this.memo.get(value);
				if (known != null) {
					hit = known;
				}
				else {
					hit = pattern.matches(value.array());
					int cost = length + MEMO_ENTRY_OVERHEAD;
					if (this.budget.left >= cost) {
						this.budget.left -= cost;
						this.memo.put(value, hit);
					}
				}
			}
			return hit != this.negated;
		}

	}

}
