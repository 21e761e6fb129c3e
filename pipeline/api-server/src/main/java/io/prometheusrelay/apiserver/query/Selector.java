package io.prometheusrelay.apiserver.query;

import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.tsdb.model.Matcher;

/**
 * A read request's matchers, checked against the read API's limits and compiled for the storage
 * engine, which selects series with them (PromQL's semantics, RE2's syntax; see {@link Matcher}).
 *
 * @param matchers the compiled matchers; none selects every series
 * @param runsPatterns whether a matcher runs a regular expression per label value (rather than
 * comparing values or looking up literal alternatives): reads then run off the transport's threads
 */
public record Selector(List<Matcher> matchers, boolean runsPatterns) {

	private static final Selector ALL = new Selector(List.of(), false);

	public static Selector all() {
		return ALL;
	}

	/**
	 * Compiles request matchers.
	 * @throws InvalidQueryException for more than {@code maxMatchers} matchers, an empty label name,
	 * a regular expression longer than {@code maxRegexLength} characters, one that does not compile,
	 * or one whose program is larger than {@code maxProgramSize} instructions
	 */
	public static Selector compile(List<LabelMatcher> requested, int maxMatchers, int maxRegexLength,
			int maxProgramSize) {
		if (requested.size() > maxMatchers) {
			throw new InvalidQueryException("too many matchers: " + requested.size() + " (at most " + maxMatchers + ")");
		}
		List<Matcher> matchers = new ArrayList<>(requested.size());
		boolean patterns = false;
		for (LabelMatcher matcher : requested) {
			Matcher compiled = compile(matcher, maxRegexLength, maxProgramSize);
			patterns |= compiled.programSize() > 0 && compiled.exactValues() == null;
			matchers.add(compiled);
		}
		return new Selector(List.copyOf(matchers), patterns);
	}

	private static Matcher compile(LabelMatcher matcher, int maxRegexLength, int maxProgramSize) {
		String name = matcher.getName();
		if (name.isEmpty()) {
			throw new InvalidQueryException("matcher with an empty label name");
		}
		Matcher.Type type = switch (matcher.getType()) {
			case EQ -> Matcher.Type.EQUAL;
			case NEQ -> Matcher.Type.NOT_EQUAL;
			case RE -> Matcher.Type.REGEX;
			case NRE -> Matcher.Type.NOT_REGEX;
			default -> throw new InvalidQueryException("unknown matcher type " + matcher.getTypeValue());
		};
		if ((type == Matcher.Type.REGEX || type == Matcher.Type.NOT_REGEX) && matcher.getValue().length() > maxRegexLength) {
			throw new InvalidQueryException(
					"regular expression for '" + name + "' is longer than " + maxRegexLength + " characters");
		}
		Matcher compiled;
		try {
			compiled = Matcher.of(type, name, matcher.getValue());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidQueryException("invalid regular expression for '" + name + "': " + ex.getMessage());
		}
		if (compiled.programSize() > maxProgramSize) {
			throw new InvalidQueryException("regular expression for '" + name + "' is too complex: "
					+ compiled.programSize() + " instructions compiled (at most " + maxProgramSize + ")");
		}
		return compiled;
	}

}
