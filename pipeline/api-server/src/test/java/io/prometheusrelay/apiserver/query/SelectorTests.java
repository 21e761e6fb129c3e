package io.prometheusrelay.apiserver.query;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.tsdb.model.Labels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Matchers as Prometheus evaluates them: RE2 syntax, anchored as {@code ^(?s:re)$}, in linear time. */
class SelectorTests {

	private static final int MAX_PROGRAM_SIZE = 4096;

	@Test
	void aRegexMatchesTheWholeValueAndItsDotMatchesANewlineAsInPrometheus() {
		assertThat(selects(re("job", "api|node"), "job", "node")).isTrue();
		assertThat(selects(re("job", "api|node"), "job", "nodes")).as("anchored around the whole alternation").isFalse();
		assertThat(selects(re("job", "a.b"), "job", "a\nb")).as("(?s)").isTrue();
		assertThat(selects(re("job", "n"), "job", "node")).isFalse();
	}

	@Test
	void matchesUtf8ValuesByCharacter() {
		assertThat(selects(re("room", "k.che"), "room", "k\u00fcche")).isTrue();
		assertThat(selects(re("room", "k..che"), "room", "k\u00fcche")).isFalse();
	}

	@Test
	void aPatternThatWouldEscapeItsAnchoringGroupIsRefused() {
		// Wrapped without checking first, "a)|(b" would become "(?s:a)|(b)": a different, unanchored pattern.
		assertThatExceptionOfType(InvalidQueryException.class).isThrownBy(() -> compile(re("job", "a)|(b")))
			.withMessageStartingWith("invalid regular expression for 'job'");
	}

	@Test
	void theIssuesCatastrophicPatternIsRefusedAsRe2RefusesIt() {
		// java.util.regex took 1.4 s on a 26-character value, and ×3 for every 2 characters more.
		assertThatExceptionOfType(InvalidQueryException.class)
			.isThrownBy(() -> compile(re("job", "(.*){1,32000}[0-9]")))
			.withMessageContaining("invalid repeat count");
	}

	@Test
	void aRegexWhoseProgramIsTooLargeIsRefused() {
		assertThatExceptionOfType(InvalidQueryException.class)
			.isThrownBy(() -> compile(re("job", "(.*){1,1000}[0-9]")))
			.withMessageStartingWith("regular expression for 'job' is too complex: ")
			.withMessageEndingWith(" instructions compiled (at most 4096)");
		StringBuilder hosts = new StringBuilder();
		for (int i = 0; i < 200; i++) {
			hosts.append((i == 0) ? "" : "|").append("host-").append(i).append(".example.com:9100");
		}
		assertThat(selects(re("instance", hosts.toString()), "instance", "host-199.example.com:9100"))
			.as("a Grafana multi-value variable of 200 hosts").isTrue();
	}

	@Test
	void aPatternThatMakesBacktrackingExplodeMatchesALongValueInOnePass() {
		// java.util.regex took 53 ms on 20 characters here, ×2.5 for every 2 more: centuries on 2,000.
		String value = "x".repeat(2000);
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			assertThat(selects(re("job", "(.*){1,50}[0-9]"), "job", value)).isFalse();
			assertThat(selects(re("job", "(.*){1,50}[0-9]"), "job", value + "7")).isTrue();
		});
	}

	@Test
	void alternationsOfLiteralsAreLookedUpAndAnswerExactlyAsTheirPatterns() {
		List<String> regexes = List.of("", "api", "api|node|", "a.b", "host-1\\..*", "(?i)api");
		List<String> values = List.of("", "api", "API", "node", "nodes", "a.b", "axb", "host-1.x", "a\nb");
		for (String regex : regexes) {
			com.google.re2j.Pattern pattern = com.google.re2j.Pattern.compile("(?s:" + regex + ")");
			for (String value : values) {
				assertThat(selects(re("job", regex), "job", value)).as("%s =~ %s", value, regex)
					.isEqualTo(pattern.matches(value));
			}
		}
		assertThat(compile(re("job", "api|node|")).runsPatterns()).as("literals are looked up").isFalse();
		assertThat(compile(re("job", "a.b")).runsPatterns()).isTrue();
	}

	@Test
	void refusesMoreMatchersThanTheLimitAndAnEmptyLabelName() {
		assertThatExceptionOfType(InvalidQueryException.class)
			.isThrownBy(() -> Selector.compile(List.of(re("a", "x"), re("b", "x")), 1, 100, MAX_PROGRAM_SIZE))
			.withMessage("too many matchers: 2 (at most 1)");
		assertThatExceptionOfType(InvalidQueryException.class).isThrownBy(() -> compile(re("", "x")))
			.withMessage("matcher with an empty label name");
	}

	private static boolean selects(LabelMatcher matcher, String... labels) {
		Map<String, String> all = new TreeMap<>();
		all.put("__name__", "up");
		for (int i = 0; i < labels.length; i += 2) {
			all.put(labels[i], labels[i + 1]);
		}
		Labels series = Labels.of(all);
		return compile(matcher).matchers().stream().allMatch(compiled -> compiled.matches(series));
	}

	private static Selector compile(LabelMatcher matcher) {
		return Selector.compile(List.of(matcher), 8, 100_000, MAX_PROGRAM_SIZE);
	}

	private static LabelMatcher re(String name, String value) {
		return LabelMatcher.newBuilder().setType(LabelMatcher.Type.RE).setName(name).setValue(value).build();
	}

}
