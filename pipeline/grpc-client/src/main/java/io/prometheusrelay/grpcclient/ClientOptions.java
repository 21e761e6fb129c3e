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

import org.springframework.boot.convert.DurationStyle;

/**
 * The command line, with the environment variables the original client read as fallbacks.
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

	static final String HELP = """
			Usage: grpc-client [options]

			Reads metrics from the api-servers (through HAProxy) and prints them to stdout; logs go to stderr.

			Options:
			  --lb-addr=HOST:PORT   gRPC address of HAProxy or an api-server (env LB_ADDR; default %s)
			  --metric=NAME         only series of this metric (env SUBSCRIBED_METRIC)
			  --match=SELECTOR      PromQL matchers, repeatable: job="node", code=~"5..", {a="b",c!="d"}
			  --mode=MODE           latest (default): newest sample of each series; range: stored samples
			                        between --since and --until; follow: latest, then new samples until stopped
			  --since=TIME          range start: RFC 3339 (2026-11-21T09:00:00Z), epoch millis, or a duration ago (15m)
			  --until=TIME          range end, same forms (default: now)
			  --format=FORMAT       text (default): Prometheus exposition; json: one object per series per line
			  --deadline=DURATION   give up after this long (default 60s; none with --mode=follow)
			  --tls                 connect with TLS, trusting the JVM's CAs (implied by the next four)
			  --ca=FILE             PEM file of the CA the server's certificate must come from
			  --cert=FILE           PEM file of this client's certificate, for mutual TLS (with --key)
			  --key=FILE            PEM file (PKCS#8) of its private key
			  --server-name=NAME    the name the server's certificate must have, if not the host dialled
			  --token-file=FILE     send the bearer token in FILE with every call (env LB_TOKEN_FILE)
			  --help                print this help

			Exit codes: 0 done, 2 usage error, 3 request refused by the server, 4 server unreachable,
			5 deadline exceeded, 1 any other failure.
			""".formatted(DEFAULT_TARGET);

	static ClientOptions parse(String[] args, Map<String, String> env) {
		String target = env.getOrDefault("LB_ADDR", DEFAULT_TARGET);
		List<LabelMatcher> matchers = new ArrayList<>();
		String metric = env.get("SUBSCRIBED_METRIC");
		ReadMode mode = ReadMode.LATEST;
		String since = null;
		String until = null;
		Format format = Format.TEXT;
		String deadline = null;
		boolean tls = false;
		String ca = null;
		String certificate = null;
		String key = null;
		String serverName = null;
		String tokenFile = env.get("LB_TOKEN_FILE");
		boolean help = false;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (arg.equals("--help") || arg.equals("-h")) {
				help = true;
				continue;
			}
			if (arg.equals("--tls")) {
				tls = true;
				continue;
			}
			if (!arg.startsWith("--")) {
				throw new UsageException("unexpected argument '" + arg + "'; see --help");
			}
			String name;
			String value;
			int equals = arg.indexOf('=');
			if (equals > 0) {
				name = arg.substring(2, equals);
				value = arg.substring(equals + 1);
			}
			else {
				name = arg.substring(2);
				if (i + 1 >= args.length) {
					throw new UsageException("--" + name + " needs a value; see --help");
				}
				value = args[++i];
			}
			switch (name) {
				case "lb-addr" -> target = value;
				case "metric" -> metric = value;
				case "match" -> matchers.addAll(Selectors.parse(value));
				case "mode" -> mode = mode(value);
				case "since" -> since = value;
				case "until" -> until = value;
				case "format" -> format = format(value);
				case "deadline" -> deadline = value;
				case "ca" -> ca = value;
				case "cert" -> certificate = value;
				case "key" -> key = value;
				case "server-name" -> serverName = value;
				case "token-file" -> tokenFile = value;
				default -> throw new UsageException("unknown option --" + name + "; see --help");
			}
		}
		if (metric != null && !metric.isBlank()) {
			matchers.add(0, Selectors.metricName(metric.strip()));
		}
		Instant now = Instant.now();
		Instant sinceTime = (since != null) ? time("--since", since, now) : null;
		Instant untilTime = (until != null) ? time("--until", until, now) : null;
		if (mode == ReadMode.RANGE && sinceTime == null && !help) {
			throw new UsageException("--mode=range needs --since");
		}
		if (sinceTime != null && untilTime != null && untilTime.isBefore(sinceTime)) {
			throw new UsageException("--until (" + untilTime + ") is before --since (" + sinceTime + ")");
		}
		Duration deadlineDuration = (deadline != null) ? duration("--deadline", deadline)
				: (mode == ReadMode.FOLLOW) ? null : DEFAULT_DEADLINE;
		ChannelSecurity security = new ChannelSecurity(tls, path(ca), path(certificate), path(key), serverName,
				path(tokenFile));
		return new ClientOptions(target, List.copyOf(matchers), mode, sinceTime, untilTime, format, deadlineDuration,
				security, help);
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
