package io.prometheusrelay.apiserver.query;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import org.jspecify.annotations.Nullable;

/**
 * A PromQL-style selector: every matcher must match. As in PromQL, a regular expression must match
 * the whole value, and a series without the label is matched as if its value were empty (so
 * {@code job!="x"} selects series without a {@code job} label).
 */
public final class SeriesSelector {

	private static final SeriesSelector ALL = new SeriesSelector(List.of());

	private final List<Matcher> matchers;

	private SeriesSelector(List<Matcher> matchers) {
		this.matchers = List.copyOf(matchers);
	}

	/** Selects every series. */
	public static SeriesSelector all() {
		return ALL;
	}

	/**
	 * Compiles request matchers.
	 * @throws InvalidQueryException for more than {@code maxMatchers} matchers, an empty label name,
	 * a regular expression longer than {@code maxRegexLength} or one that does not compile
	 */
	public static SeriesSelector compile(List<LabelMatcher> matchers, int maxMatchers, int maxRegexLength) {
		if (matchers.size() > maxMatchers) {
			throw new InvalidQueryException(
					"too many matchers: " + matchers.size() + " (at most " + maxMatchers + ")");
		}
		List<Matcher> compiled = new ArrayList<>();
		for (LabelMatcher matcher : matchers) {
			if (matcher.getName().isEmpty()) {
				throw new InvalidQueryException("matcher with an empty label name");
			}
			compiled.add(compileOne(matcher, maxRegexLength));
		}
		return new SeriesSelector(compiled);
	}

	private static Matcher compileOne(LabelMatcher matcher, int maxRegexLength) {
		byte[] name = matcher.getName().getBytes(StandardCharsets.UTF_8);
		String value = matcher.getValue();
		switch (matcher.getType()) {
			case EQ, NEQ -> {
				return new Matcher(name, matcher.getType() == LabelMatcher.Type.NEQ,
						value.getBytes(StandardCharsets.UTF_8), null);
			}
			case RE, NRE -> {
				if (value.length() > maxRegexLength) {
					throw new InvalidQueryException("regular expression for '" + matcher.getName() + "' is longer than "
							+ maxRegexLength + " characters");
				}
				try {
					return new Matcher(name, matcher.getType() == LabelMatcher.Type.NRE, null, Pattern.compile(value));
				}
				catch (PatternSyntaxException ex) {
					throw new InvalidQueryException("invalid regular expression for '" + matcher.getName() + "': "
							+ ex.getDescription() + " near index " + ex.getIndex());
				}
			}
			default -> throw new InvalidQueryException("unknown matcher type " + matcher.getTypeValue());
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

	private record Matcher(byte[] name, boolean negated, @Nullable byte[] equalTo, @Nullable Pattern pattern) {

		boolean matches(byte[] labels) {
			long found = EncodedLabels.findValue(labels, this.name);
			int offset = (found < 0) ? 0 : (int) (found >>> 32);
			int length = (found < 0) ? 0 : (int) found;
			boolean hit;
			if (this.pattern == null) {
				hit = java.util.Arrays.equals(labels, offset, offset + length, this.equalTo, 0, this.equalTo.length);
			}
			else {
				hit = this.pattern.matcher(new String(labels, offset, length, StandardCharsets.UTF_8)).matches();
			}
			return hit != this.negated;
		}

	}

}
