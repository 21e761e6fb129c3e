package io.prometheusrelay.grpcclient;

import java.time.Duration;
import java.util.Map;

import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ClientOptionsTests {

	@Test
	void defaultsToHaproxyLatestTextWithADeadline() {
		ClientOptions options = ClientOptions.parse(new String[0], Map.of());
		assertThat(options.target()).isEqualTo("haproxy:8090");
		assertThat(options.mode()).isEqualTo(ReadMode.LATEST);
		assertThat(options.format()).isEqualTo(ClientOptions.Format.TEXT);
		assertThat(options.deadline()).isEqualTo(Duration.ofSeconds(60));
		assertThat(options.matchers()).isEmpty();
	}

	@Test
	void readsTheOriginalClientsEnvironmentVariables() {
		ClientOptions options = ClientOptions.parse(new String[0],
				Map.of("LB_ADDR", "lb:9000", "SUBSCRIBED_METRIC", "up"));
		assertThat(options.target()).isEqualTo("lb:9000");
		assertThat(options.matchers()).containsExactly(Selectors.metricName("up"));
	}

	@Test
	void optionsOverrideTheEnvironmentAndMatchersAccumulate() {
		ClientOptions options = ClientOptions.parse(new String[] { "--lb-addr=127.0.0.1:1", "--metric", "up",
				"--match", "job=\"node\"", "--match={code=~\"5..\",env!=\"dev\"}", "--format=json", "--deadline=5s" },
				Map.of("LB_ADDR", "lb:9000"));
		assertThat(options.target()).isEqualTo("127.0.0.1:1");
		assertThat(options.matchers()).extracting(LabelMatcher::getName).containsExactly("__name__", "job", "code", "env");
		assertThat(options.matchers()).extracting(LabelMatcher::getType)
			.containsExactly(LabelMatcher.Type.EQ, LabelMatcher.Type.EQ, LabelMatcher.Type.RE, LabelMatcher.Type.NEQ);
		assertThat(options.format()).isEqualTo(ClientOptions.Format.JSON);
		assertThat(options.deadline()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void followHasNoDeadlineUnlessGiven() {
		assertThat(ClientOptions.parse(new String[] { "--mode=follow" }, Map.of()).deadline()).isNull();
	}

	@Test
	void rangeReadsRelativeAndAbsoluteTimes() {
		ClientOptions options = ClientOptions.parse(
				new String[] { "--mode=range", "--since=2026-11-21T09:00:00Z", "--until=1795252500000" }, Map.of());
		assertThat(options.toRequest().getStartTimestampMs()).isEqualTo(1795251600000L);
		assertThat(options.toRequest().getEndTimestampMs()).isEqualTo(1795252500000L);
		long fifteenMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(15).toMillis();
		assertThat(ClientOptions.parse(new String[] { "--mode=range", "--since=15m" }, Map.of()).toRequest()
			.getStartTimestampMs()).isBetween(fifteenMinutesAgo - 5000, fifteenMinutesAgo + 5000);
	}

	@Test
	void refusesWhatCannotRunWithAMessageThatSaysWhy() {
		assertUsage(new String[] { "--mode=sideways" }, "unknown --mode 'sideways'; use latest, range or follow");
		assertUsage(new String[] { "--mode=range" }, "--mode=range needs --since");
		assertUsage(new String[] { "--since=1h", "--until=2h" }, "is before --since");
		assertUsage(new String[] { "--deadline=soon" }, "cannot read --deadline 'soon'");
		assertUsage(new String[] { "--match=job=node" }, "cannot parse matcher 'job=node'");
		assertUsage(new String[] { "--colour=red" }, "Unknown option: '--colour=red'");
		assertUsage(new String[] { "--metric" }, "Missing required parameter for option '--metric'");
		assertUsage(new String[] { "stray" }, "Unmatched argument at index 0: 'stray'");
	}

	@Test
	void selectorsUnescapeQuotedValues() {
		assertThat(Selectors.parse("path=\"a\\\"b\\\\c\"").get(0).getValue()).isEqualTo("a\"b\\c");
		assertThat(Selectors.parse(" { a = \"1\" , b !~ \"x|y\" } ")).hasSize(2);
	}

	private static void assertUsage(String[] args, String message) {
		assertThatExceptionOfType(UsageException.class).isThrownBy(() -> ClientOptions.parse(args, Map.of()))
			.withMessageContaining(message);
	}

}
