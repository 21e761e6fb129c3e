package io.prometheusrelay.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.prometheusrelay.tsdb.model.Labels;

/**
 * The api-server's regular-expression matchers: RE2/J, which it uses, against {@code java.util.regex},
 * which it used before, in the same JVM on the same values. Both are anchored as Prometheus anchors
 * a matcher, {@code ^(?s:re)$}; RE2/J matches the UTF-8 bytes as the api-server does. Typical
 * matchers first (dashboards' selectors), then hostile ones: the catastrophic pattern, one
 * RE2 accepts that makes backtracking explode, and the costliest shape the default program-size
 * limit (4096) admits.
 * A hostile {@code java.util.regex} match that runs past {@code --timeout} is stopped by the value
 * itself (its {@code charAt} checks the clock every 4096 reads) and reported as such; typical
 * matchers read a plain {@code String}. Prints a Markdown table.
 * <p>
 * Usage: {@code java -cp tools/benchmarks/target/benchmarks-<version>-exec.jar
 * -Dloader.main=io.prometheusrelay.benchmarks.RegexMatchingBenchmark org.springframework.boot.loader.launch.PropertiesLauncher
 * [--runs=5] [--min-time=0.2s] [--timeout=10s]}
 */
public final class RegexMatchingBenchmark {

	private RegexMatchingBenchmark() {
	}

	public static void main(String[] args) {
		Options options = Options.parse(args);
		int runs = Integer.parseInt(options.get("runs", "5"));
		Duration minTime = options.duration("min-time", "0.2s");
		Duration timeout = options.duration("timeout", "10s");
		System.out.printf("# Regex matching benchmark, %s, %s %s, %d cores; median of %d runs of at least %d ms%n",
				Instant.now(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
				Runtime.getRuntime().availableProcessors(), runs, minTime.toMillis());
		System.out.println();
		System.out.println("| matcher | value | java.util.regex µs/match | RE2/J µs/match | java.util.regex / RE2/J |");
		System.out.println("|---|---|---|---|---|");
		for (Case benchmark : cases()) {
			Result jdk = measure(() -> jdkMatcher(benchmark.regex(), benchmark.hostile()), benchmark.value(), runs, minTime,
					timeout);
			Result re2 = measure(() -> re2Matcher(benchmark.regex()), benchmark.value(), runs, minTime, timeout);
			System.out.printf("| `%s` | %s | %s | %s | %s |%n", shorten(benchmark.regex()), describe(benchmark.value()),
					jdk.text(), re2.text(), ratio(jdk, re2, timeout));
		}
		scans(runs);
	}

	/**
	 * A scan of every series with the storage engine's {@link io.prometheusrelay.tsdb.model.Matcher} (RE2/J, literal alternations
	 * looked up) over a million series whose values repeat as real ones do, against a
	 * {@code java.util.regex} match of each series' value. (The engine itself tests a regex once per
	 * distinct value of the label, through its postings; this is the worst case, one test per series.)
	 */
	private static void scans(int runs) {
		int seriesCount = 1_000_000;
		List<Labels> series = new ArrayList<>(seriesCount);
		List<byte[]> jobs = new ArrayList<>(seriesCount);
		List<byte[]> instances = new ArrayList<>(seriesCount);
		for (int i = 0; i < seriesCount; i++) {
			String job = "job-" + (i % 100);
			String instance = "host-" + (i % 5000) + ".example.com:9100";
			jobs.add(job.getBytes(StandardCharsets.UTF_8));
			instances.add(instance.getBytes(StandardCharsets.UTF_8));
			series.add(Labels.of("__name__", "metric_" + (i % 1000) + "_total", "instance", instance, "job", job));
		}
		System.out.println();
		System.out.printf("A scan of %,d series (1,000 names, 5,000 instances, 100 jobs), median of %d runs:%n%n",
				seriesCount, runs);
		System.out.println("| matcher | matched | java.util.regex, each series ms | the engine's Matcher, each series ms | ratio |");
		System.out.println("|---|---|---|---|---|");
		for (String[] matcher : new String[][] { { "job", "job-1|job-2|job-3" }, { "job", "job-(1|2|3)" },
				{ "job", ".*-4.*" }, { "instance", "host-1.*" }, { "instance", "host-(1|2)[0-9]*\\.example.*" } }) {
			java.util.regex.Pattern reference = java.util.regex.Pattern.compile("(?s:" + matcher[1] + ")");
			double[] jdk = new double[runs];
			double[] relay = new double[runs];
			int matched = 0;
			for (int run = -1; run < runs; run++) {
				long start = System.nanoTime();
				int count = 0;
				for (byte[] value : matcher[0].equals("job") ? jobs : instances) {
					if (reference.matcher(new String(value, StandardCharsets.UTF_8)).matches()) {
						count++;
					}
				}
				long middle = System.nanoTime();
				io.prometheusrelay.tsdb.model.Matcher selector = io.prometheusrelay.tsdb.model.Matcher.regex(matcher[0],
						matcher[1]);
				int selected = 0;
				for (Labels labels : series) {
					if (selector.matches(labels)) {
						selected++;
					}
				}
				long end = System.nanoTime();
				if (selected != count) {
					throw new IllegalStateException("the selector matched " + selected + ", java.util.regex " + count);
				}
				if (run >= 0) {
					jdk[run] = (middle - start) / 1e6;
					relay[run] = (end - middle) / 1e6;
				}
				matched = selected;
			}
			Arrays.sort(jdk);
			Arrays.sort(relay);
			System.out.printf("| `%s=~\"%s\"` | %,d | %.0f | %.0f | %.2f× |%n", matcher[0], matcher[1].replace("|", "\\|"),
					matched, jdk[runs / 2], relay[runs / 2], jdk[runs / 2] / relay[runs / 2]);
		}
	}

	/** A matcher on a value; {@code hostile} when a backtracking engine may run away on it. */
	private record Case(String regex, String value, boolean hostile) {

		static Case typical(String regex, String value) {
			return new Case(regex, value, false);
		}

		static Case hostile(String regex, String value) {
			return new Case(regex, value, true);
		}

	}

	private static List<Case> cases() {
		StringBuilder hosts = new StringBuilder();
		for (int i = 0; i < 200; i++) {
			hosts.append((i == 0) ? "" : "|").append("host-").append(i).append(".example.com:9100");
		}
		List<Case> cases = new ArrayList<>(List.of(Case.typical("5..", "500"),
				Case.typical("up|http_.*", "http_requests_total"), Case.typical(".*-prod-.*", "checkout-prod-7f9c4d8b6-x2x7k"),
				Case.typical(hosts.toString(), "host-199.example.com:9100"), Case.typical("(?i)error|warn", "WARN")));
		for (int length : new int[] { 22, 24, 26 }) {
			cases.add(Case.hostile("(.*){1,32000}[0-9]", "x".repeat(length)));
		}
		for (int length : new int[] { 16, 20, 40 }) {
			cases.add(Case.hostile("(.*){1,50}[0-9]", "x".repeat(length)));
		}
		cases.add(Case.hostile("(.*){1,800}[0-9]", "x".repeat(40)));
		return cases;
	}

	/** Matches one value; returns whether it matched. */
	private interface ValueMatcher {

		boolean matches(String value, long deadlineNanos);

	}

	private interface Factory {

		ValueMatcher create();

	}

	private static ValueMatcher jdkMatcher(String regex, boolean hostile) {
		java.util.regex.Pattern pattern = java.util.regex.Pattern.compile("(?s:" + regex + ")");
		if (!hostile) {
			return (value, deadline) -> pattern.matcher(value).matches();
		}
		return (value, deadline) -> pattern.matcher(new Deadline(value, deadline)).matches();
	}

	private static ValueMatcher re2Matcher(String regex) {
		com.google.re2j.Pattern pattern = com.google.re2j.Pattern.compile("(?s:" + regex + ")");
		return (value, deadline) -> pattern.matches(value.getBytes(StandardCharsets.UTF_8));
	}

	/** A value whose {@code charAt} throws once the deadline has passed: how a backtracking match is stopped. */
	private static final class Deadline implements CharSequence {

		private final String value;

		private final long deadlineNanos;

		private int reads;

		Deadline(String value, long deadlineNanos) {
			this.value = value;
			this.deadlineNanos = deadlineNanos;
		}

		@Override
		public int length() {
			return this.value.length();
		}

		@Override
		public char charAt(int index) {
			if ((++this.reads & 4095) == 0 && System.nanoTime() > this.deadlineNanos) {
				throw new TimedOut();
			}
			return this.value.charAt(index);
		}

		@Override
		public CharSequence subSequence(int start, int end) {
			return new Deadline(this.value.substring(start, end), this.deadlineNanos);
		}

		@Override
		public String toString() {
			return this.value;
		}

	}

	private static final class TimedOut extends RuntimeException {

		TimedOut() {
			super(null, null, false, false);
		}

	}

	/** Microseconds per match, or why there is none. */
	private record Result(double micros, String text) {

		static Result of(double micros) {
			return new Result(micros, (micros >= 100) ? String.format("%,.0f", micros) : String.format("%.2f", micros));
		}

		static Result none(String why) {
			return new Result(Double.NaN, why);
		}

	}

	private static Result measure(Factory factory, String value, int runs, Duration minTime, Duration timeout) {
		ValueMatcher matcher;
		try {
			matcher = factory.create();
		}
		catch (RuntimeException ex) {
			return Result.none("refused: " + ex.getMessage().lines().findFirst().orElse("").replace("|", "\\|"));
		}
		double[] micros = new double[runs];
		for (int run = -1; run < runs; run++) {
			long start = System.nanoTime();
			long deadline = start + timeout.toNanos();
			long matches = 0;
			try {
				do {
					matcher.matches(value, deadline);
					matches++;
				}
				while (System.nanoTime() - start < minTime.toNanos());
			}
			catch (TimedOut ex) {
				return Result.none("> " + timeout.toSeconds() + " s (stopped)");
			}
			if (run >= 0) {
				micros[run] = (System.nanoTime() - start) / 1e3 / matches;
			}
		}
		Arrays.sort(micros);
		return Result.of(micros[runs / 2]);
	}

	private static String ratio(Result jdk, Result re2, Duration timeout) {
		if (Double.isNaN(re2.micros())) {
			return "-";
		}
		if (Double.isNaN(jdk.micros())) {
			return "> " + String.format("%,.0f", timeout.toNanos() / 1e3 / re2.micros()) + "×";
		}
		return String.format("%.2f×", jdk.micros() / re2.micros());
	}

	/** The pattern as a Markdown table cell: shortened, its {@code |} escaped. */
	private static String shorten(String regex) {
		String shown = (regex.length() <= 40) ? regex : regex.substring(0, 37) + "... (" + regex.length() + " characters)";
		return shown.replace("|", "\\|");
	}

	private static String describe(String value) {
		return (value.length() <= 30) ? "`" + value + "`" : value.length() + " × `" + value.charAt(0) + "`";
	}

}
