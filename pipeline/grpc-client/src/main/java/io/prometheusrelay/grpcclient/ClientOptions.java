package io.prometheusrelay.grpcclient;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import org.jspecify.annotations.Nullable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import org.springframework.boot.convert.DurationStyle;

/**
 * The command line, read by picocli, with the environment variables the original client read as
 * fallbacks.
 *
 * @param target gRPC target (host:port) of HAProxy or an api-server
 * @param matchers all must match
 * @param mode latest, range or follow
 * @param since range start
 * @param until range end
 * @param format output format
 * @param deadline deadline of the call; null for none (the default of follow)
 * @param security plain or TLS, and the bearer token
 * @param help whether to print help and exit
 */
record ClientOptions(String target, List<LabelMatcher> matchers, ReadMode mode, @Nullable Instant since,
		@Nullable Instant until, Format format, @Nullable Duration deadline, ChannelSecurity security, boolean help) {

	static final String DEFAULT_TARGET = "haproxy:8090";

	static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

	/** How metrics are printed. */
	enum Format {

		/** The Prometheus text exposition format. */
		TEXT,

		/** One JSON object per series per line. */
		JSON

	}

	/** The options whose default is an environment variable, as the original client read them. */
	private static final Map<String, String> ENVIRONMENT = Map.of("--lb-addr", "LB_ADDR", "--metric", "SUBSCRIBED_METRIC",
			"--token-file", "LB_TOKEN_FILE");

	/** The command line as picocli reads it; {@link #parse} makes the options of it. */
	@Command(name = "grpc-client", customSynopsis = "grpc-client [options]", sortOptions = false, usageHelpWidth = 110,
			description = { "", "Reads metrics from the api-servers (through HAProxy) and prints them to stdout; logs go to stderr.", "" },
			optionListHeading = "Options:%n",
			footer = { "", "Exit codes: 0 done, 2 usage error, 3 request refused by the server, 4 server unreachable, "
					+ "5 deadline exceeded, 1 any other failure." })
	static final class CommandLineArguments {

		@Option(names = "--lb-addr", paramLabel = "HOST:PORT", defaultValue = DEFAULT_TARGET,
				description = "gRPC address of HAProxy or an api-server (env LB_ADDR; default ${DEFAULT-VALUE})")
		String target;

		@Option(names = "--metric", paramLabel = "NAME", description = "only series of this metric (env SUBSCRIBED_METRIC)")
		@Nullable String metric;

		@Option(names = "--match", paramLabel = "SELECTOR",
				description = "PromQL matchers, repeatable: job=\"node\", code=~\"5..\", {a=\"b\",c!=\"d\"}")
		List<String> matchers = new ArrayList<>();

		@Option(names = "--mode", paramLabel = "MODE", defaultValue = "latest",
				description = "latest (default): newest sample of each series; range: stored samples between --since "
						+ "and --until; follow: latest, then new samples until stopped")
		String mode;

		@Option(names = "--since", paramLabel = "TIME",
				description = "range start: RFC 3339 (2026-11-21T09:00:00Z), epoch millis, or a duration ago (15m)")
		@Nullable String since;

		@Option(names = "--until", paramLabel = "TIME", description = "range end, same forms (default: now)")
		@Nullable String until;

		@Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
				description = "text (default): Prometheus exposition; json: one object per series per line")
		String format;

		@Option(names = "--deadline", paramLabel = "DURATION",
				description = "give up after this long (default 60s; none with --mode=follow)")
		@Nullable String deadline;

		@Option(names = "--tls", description = "connect with TLS, trusting the JVM's CAs (implied by the next four)")
		boolean tls;

		@Option(names = "--ca", paramLabel = "FILE", description = "PEM file of the CA the server's certificate must come from")
		@Nullable String ca;

		@Option(names = "--cert", paramLabel = "FILE",
				description = "PEM file of this client's certificate, for mutual TLS (with --key)")
		@Nullable String certificate;

		@Option(names = "--key", paramLabel = "FILE", description = "PEM file (PKCS#8) of its private key")
		@Nullable String key;

		@Option(names = "--server-name", paramLabel = "NAME",
				description = "the name the server's certificate must have, if not the host dialled")
		@Nullable String serverName;

		@Option(names = "--token-file", paramLabel = "FILE",
				description = "send the bearer token in FILE with every call (env LB_TOKEN_FILE)")
		@Nullable String tokenFile;

		@Option(names = { "-h", "--help" }, usageHelp = true, description = "print this help")
		boolean help;

	}

	/** The help text: picocli's, from the options above. */
	static String usage() {
		return new CommandLine(new CommandLineArguments()).getUsageMessage(CommandLine.Help.Ansi.OFF);
	}

	/**
	 * Reads the command line with picocli, taking {@code LB_ADDR}, {@code SUBSCRIBED_METRIC} and
	 * {@code LB_TOKEN_FILE} from {@code env} for options not given.
	 * @throws UsageException for a command line that cannot be run, saying why
	 */
	static ClientOptions parse(String[] args, Map<String, String> env) {
		CommandLineArguments arguments = new CommandLineArguments();
		CommandLine commandLine = new CommandLine(arguments).setDefaultValueProvider(argument -> {
			String variable = (argument instanceof OptionSpec option) ? ENVIRONMENT.get(option.longestName()) : null;
			return (variable != null) ? env.get(variable) : null;
		});
		try {
			commandLine.parseArgs(args);
		}
		catch (ParameterException ex) {
			throw new UsageException(ex.getMessage() + "; see --help");
		}
		List<LabelMatcher> matchers = new ArrayList<>();
		if (arguments.metric != null && !arguments.metric.isBlank()) {
			matchers.add(Selectors.metricName(arguments.metric.strip()));
		}
		arguments.matchers.forEach(selector -> matchers.addAll(Selectors.parse(selector)));
		ReadMode mode = mode(arguments.mode);
		Instant now = Instant.now();
		Instant since = (arguments.since != null) ? time("--since", arguments.since, now) : null;
		Instant until = (arguments.until != null) ? time("--until", arguments.until, now) : null;
		if (mode == ReadMode.RANGE && since == null && !arguments.help) {
			throw new UsageException("--mode=range needs --since");
		}
		if (since != null && until != null && until.isBefore(since)) {
			throw new UsageException("--until (" + until + ") is before --since (" + since + ")");
		}
		Duration deadline = (arguments.deadline != null) ? duration("--deadline", arguments.deadline)
				: (mode == ReadMode.FOLLOW) ? null : DEFAULT_DEADLINE;
		ChannelSecurity security = new ChannelSecurity(arguments.tls, path(arguments.ca), path(arguments.certificate),
				path(arguments.key), arguments.serverName, path(arguments.tokenFile));
		return new ClientOptions(arguments.target, List.copyOf(matchers), mode, since, until, format(arguments.format),
				deadline, security, arguments.help);
	}

	GetMetricsRequest toRequest() {
		GetMetricsRequest.Builder request = GetMetricsRequest.newBuilder()
			.setId((int) ProcessHandle.current().pid())
			.addAllMatchers(this.matchers)
			.setMode(this.mode);
		if (this.since != null) {
			request.setStartTimestampMs(this.since.toEpochMilli());
		}
		if (this.until != null) {
			request.setEndTimestampMs(this.until.toEpochMilli());
		}
		return request.build();
	}

	private static @Nullable Path path(@Nullable String value) {
		return (value != null && !value.isBlank()) ? Path.of(value) : null;
	}

	private static ReadMode mode(String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "latest" -> ReadMode.LATEST;
			case "range" -> ReadMode.RANGE;
			case "follow" -> ReadMode.FOLLOW;
			default -> throw new UsageException("unknown --mode '" + value + "'; use latest, range or follow");
		};
	}

	private static Format format(String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "text" -> Format.TEXT;
			case "json" -> Format.JSON;
			default -> throw new UsageException("unknown --format '" + value + "'; use text or json");
		};
	}

	private static Instant time(String option, String value, Instant now) {
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException notRfc3339) {
			if (value.matches("\\d{10,}")) {
				return Instant.ofEpochMilli(Long.parseLong(value));
			}
			return now.minus(duration(option, value));
		}
	}

	private static Duration duration(String option, String value) {
		try {
			return DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException("cannot read " + option + " '" + value + "'; use forms like 500ms, 30s, 15m, 1h");
		}
	}

}
