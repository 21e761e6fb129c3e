package io.prometheusrelay.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.ManagedProcess;
import io.prometheusrelay.harness.TestPki;
import org.jspecify.annotations.Nullable;

/**
 * Proxy benchmark: N applications of M series each, in one load-generator process of their own
 * ({@code LoadClients}), connect to a proxy; this program then scrapes {@code /metrics/connected}
 * as Prometheus would and records, per proxy: time until all N were connected, scrape wall time
 * (min/median/max), the proxy's CPU seconds per scrape, its peak RSS, the response size, sample
 * lines against the expected N x M, and what {@code promtool check metrics} says.
 * <p>
 * Runs, in one go and with the same generator: micrometer's published proxy 1.5.3 with micrometer's
 * published client 1.5.3 (the reference), this project's proxy with this project's client (HPKE),
 * and this project's proxy with micrometer's client (a drop-in replacement: the original RSA scheme;
 * with {@code --runs=relay-plaintext}, also told to send plaintext, for networks already encrypted).
 * {@code relay-tls} puts TLS on the connections and the scrape; {@code relay-claiming} has every
 * application tag its series with an {@code instance} of its own, which the proxy exports.
 * <p>
 * Usage (after {@code ./mvnw -DskipTests install}): {@code java -cp
 * tools/benchmarks/target/benchmarks-<version>-exec.jar -Dloader.main=io.prometheusrelay.benchmarks.ProxyBenchmark
 * org.springframework.boot.loader.launch.PropertiesLauncher [--clients=1000] [--series=1000]
 * [--warmup=20] [--scrapes=10] [--proxy-heap=256m] [--runs=micrometer,relay,relay-legacy] [--repo=.]}
 * <p>
 * Longer than this project's usual 300 lines on purpose: it is one program, and the commands that
 * start each proxy and generator are kept beside the measurements they are for.
 */
public final class ProxyBenchmark {

	private static final Pattern CONNECTED = Pattern.compile("(?m)^CONNECTED (\\d+) (\\d+)$");

	private final Path repo;

	private final Path workDir;

	private final int clients;

	private final int series;

	private final int warmup;

	private final int scrapes;

	private final String proxyHeap;

	private final HttpClient http = HttpClient.newHttpClient();

	private ProxyBenchmark(Map<String, String> options) throws IOException {
		this.repo = Path.of(options.getOrDefault("repo", ".")).toAbsolutePath().normalize();
		this.workDir = Files.createTempDirectory("relay-proxy-bench-");
		this.clients = Integer.parseInt(options.getOrDefault("clients", "1000"));
		this.series = Integer.parseInt(options.getOrDefault("series", "1000"));
		this.warmup = Integer.parseInt(options.getOrDefault("warmup", "20"));
		this.scrapes = Integer.parseInt(options.getOrDefault("scrapes", "10"));
		this.proxyHeap = options.getOrDefault("proxy-heap", "256m");
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = Options.parse(args).asMap();
		ProxyBenchmark benchmark = new ProxyBenchmark(options);
		List<String> runs = List.of(options.getOrDefault("runs", "micrometer,relay,relay-legacy").split(","));
		List<Result> results = new ArrayList<>();
		for (String run : runs) {
			results.add(benchmark.run(run));
		}
		System.out.printf("%n# Proxy benchmark, %s: %,d applications x %,d series; %d cores; %d warm-up scrapes, then %d%n",
				Instant.now(), benchmark.clients, benchmark.series, Runtime.getRuntime().availableProcessors(),
				benchmark.warmup, benchmark.scrapes);
		System.out.println();
		System.out.println("| proxy / clients | all connected s | proxy CPU s to connect | scrape wall s min / median / max "
				+ "| proxy CPU s per scrape (median) | generator CPU s per scrape (median) | proxy peak RSS MiB "
				+ "| response MB | gzip MB | sample lines / expected | promtool |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
		for (Result result : results) {
			System.out.println(result.row());
		}
	}

	private Result run(String name) throws Exception {
		Path dir = Files.createDirectories(this.workDir.resolve(name));
		int httpPort = FreePorts.next();
		int tcpPort = FreePorts.next();
		boolean micrometerProxy = name.equals("micrometer");
		boolean micrometerClients = name.equals("micrometer") || name.equals("relay-legacy")
				|| name.equals("relay-plaintext");
		boolean plaintext = name.equals("relay-plaintext");
		// TLS on: the applications' RSocket connections and the scrapes, from a test CA's certificate.
		TestPki pki = name.equals("relay-tls") ? TestPki.create(dir, "bench-ca") : null;
		HttpClient http = (pki != null)
				? HttpClient.newBuilder().sslContext(TestPki.sslContext(pki.caCertificate(), null)).build() : this.http;
		String scheme = (pki != null) ? "https" : "http";
		try (ManagedProcess proxy = ManagedProcess.start("proxy",
				proxyCommand(micrometerProxy, plaintext, pki, httpPort, tcpPort), dir)) {
			awaitHttp(http, proxy, scheme + "://127.0.0.1:" + httpPort + "/metrics/proxy");
			ProcessStats beforeConnect = ProcessStats.of(proxy.pid());
			try (ManagedProcess generator = ManagedProcess.start("generator",
					generatorCommand(micrometerClients, pki, tcpPort, name.equals("relay-claiming")), dir)) {
				long connectMillis = awaitConnected(generator, dir.resolve("generator.log"));
				double connectCpu = ProcessStats.of(proxy.pid()).minus(beforeConnect).cpuSeconds();
				String url = scheme + "://127.0.0.1:" + httpPort + "/metrics/connected";
				for (int i = 0; i < this.warmup; i++) {
					scrape(http, url, null, false);
				}
				List<Scrape> measured = new ArrayList<>();
				for (int i = 0; i < this.scrapes; i++) {
					ProcessStats proxyBefore = ProcessStats.of(proxy.pid());
					ProcessStats generatorBefore = ProcessStats.of(generator.pid());
					long start = System.nanoTime();
					long bytes = scrape(http, url, null, false);
					double wall = (System.nanoTime() - start) / 1e9;
					measured.add(new Scrape(wall, ProcessStats.of(proxy.pid()).minus(proxyBefore).cpuSeconds(),
							ProcessStats.of(generator.pid()).minus(generatorBefore).cpuSeconds(), bytes));
				}
				// One more, untimed, kept for counting and for promtool.
				scrape(http, url, dir.resolve("scrape.txt"), false);
				long sampleLines = countLines(dir.resolve("scrape.txt"), "bench_family");
				String promtool = promtool(dir.resolve("scrape.txt"));
				long gzipBytes = scrape(http, url, dir.resolve("scrape.gz"), true);
				Result result = new Result(label(name), connectMillis / 1000.0, connectCpu, measured,
						ProcessStats.of(proxy.pid()).peakRssBytes(), gzipBytes, sampleLines,
						(long) this.clients * this.series, promtool);
				System.out.println(result.row());
				return result;
			}
		}
	}

	private static String label(String name) {
		return switch (name) {
			case "micrometer" -> "micrometer proxy 1.5.3 / micrometer client 1.5.3";
			case "relay" -> "proxy-server / rsocket-client (HPKE)";
			case "relay-legacy" -> "proxy-server / micrometer client 1.5.3 (RSA scheme)";
			case "relay-plaintext" -> "proxy-server, allow-plaintext / micrometer client 1.5.3";
			case "relay-tls" -> "proxy-server / rsocket-client (HPKE), TLS on the connections and the scrape";
			case "relay-claiming" -> "proxy-server / rsocket-client (HPKE), every series naming its own instance";
			default -> throw new IllegalArgumentException("unknown run " + name);
		};
	}

	private List<String> proxyCommand(boolean micrometer, boolean plaintext, @Nullable TestPki pki, int httpPort,
			int tcpPort) throws IOException {
		List<String> command = new ArrayList<>(List.of(java()));
		if (micrometer) {
			// As published: no main class of its own (CompatProxyApp supplies one), JVM defaults.
			command.addAll(List.of("-cp", compatClasspath("micrometer-proxy-1.5.3"), "io.prometheusrelay.compat.CompatProxyApp",
					"--server.port=" + httpPort, "--server.address=127.0.0.1",
					"--micrometer.prometheus-proxy.tcp-port=" + tcpPort,
					"--micrometer.prometheus-proxy.websocket-port=" + FreePorts.next()));
		}
		else {
			command.addAll(List.of("-Xmx" + this.proxyHeap, "-jar", SystemUnderTest.execJar(this.repo, "proxy-server").toString(),
					"--server.port=" + httpPort, "--server.address=127.0.0.1", "--relay.proxy.host=127.0.0.1",
					"--relay.proxy.tcp-port=" + tcpPort, "--relay.proxy.websocket-port=" + FreePorts.next(),
					"--relay.proxy.allow-plaintext=" + plaintext));
			if (pki != null) {
				command.addAll(pki.bundleArguments("relay", pki.issue("proxy")));
				command.addAll(List.of("--relay.proxy.tls.bundle=relay", "--server.ssl.bundle=relay"));
			}
		}
		return command;
	}

	private List<String> generatorCommand(boolean micrometer, @Nullable TestPki pki, int tcpPort, boolean claimInstance)
			throws IOException {
		List<String> command = new ArrayList<>(List.of(java(), "-Xmx6g"));
		if (pki != null) {
			command.add("-D" + RelayLoadClients.TLS_CA + "=" + pki.caCertificate());
		}
		if (micrometer) {
			command.addAll(List.of("-cp", compatClasspath("micrometer-client-1.5.3"),
					"io.prometheusrelay.compat.MicrometerLoadClients"));
		}
		else {
			command.addAll(List.of("-cp", SystemUnderTest.execJar(this.repo, "benchmarks").toString(),
					"-Dloader.main=" + RelayLoadClients.class.getName(),
					"org.springframework.boot.loader.launch.PropertiesLauncher"));
		}
		command.addAll(List.of("127.0.0.1", Integer.toString(tcpPort), Integer.toString(this.clients),
				Integer.toString(this.series)));
		if (claimInstance) {
			command.add("claim-instance");
		}
		return command;
	}

	private String compatClasspath(String module) {
		Path target = this.repo.resolve("tools/compat").resolve(module).resolve("target");
		if (!Files.isDirectory(target.resolve("classpath"))) {
			throw new IllegalStateException("tools/compat/" + module + " is not built; build first: ./mvnw -DskipTests install");
		}
		return target.resolve("classes") + File.pathSeparator + target.resolve("classpath") + File.separator + "*";
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/**
	 * The body is read as Prometheus would read it, and kept in {@code file} when one is given;
	 * returns its size in bytes as received (compressed when gzip).
	 */
	private long scrape(HttpClient http, String url, @Nullable Path file, boolean gzip)
			throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.header("X-Prometheus-Scrape-Timeout-Seconds", "60")
			.header("Accept-Encoding", gzip ? "gzip" : "identity")
			.timeout(Duration.ofMinutes(2))
			.build();
		HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		try (InputStream body = response.body();
				OutputStream out = (file != null) ? Files.newOutputStream(file) : OutputStream.nullOutputStream()) {
			if (response.statusCode() != 200) {
				throw new IllegalStateException(url + " answered " + response.statusCode());
			}
			return body.transferTo(out);
		}
	}

	private static long countLines(Path file, String prefix) throws IOException {
		try (var lines = Files.lines(file)) {
			return lines.filter(line -> line.startsWith(prefix)).count();
		}
	}

	/** Debian's promtool on the last scrape: "clean", or its first complaint. */
	private static String promtool(Path file) throws IOException, InterruptedException {
		Process process;
		try {
			process = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
				.redirectErrorStream(true)
				.start();
		}
		catch (IOException ex) {
			return "not installed";
		}
		String output;
		try (InputStream out = process.getInputStream()) {
			output = new String(out.readAllBytes()).strip();
		}
		int exit = process.waitFor();
		if (exit == 0 && output.isEmpty()) {
			return "clean";
		}
		String first = output.lines().findFirst().orElse("exit " + exit);
		return "fails: " + first.replace("|", "\\|");
	}

	private long awaitConnected(ManagedProcess generator, Path log) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (!generator.isAlive()) {
				throw new IllegalStateException("load generator exited:\n" + generator.tail(30));
			}
			if (Files.exists(log)) {
				Matcher matcher = CONNECTED.matcher(Files.readString(log));
				if (matcher.find()) {
					return Long.parseLong(matcher.group(2));
				}
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("not all applications connected within 10 minutes:\n" + generator.tail(10));
	}

	private void awaitHttp(HttpClient http, ManagedProcess process, String url) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("proxy exited:\n" + process.tail(30));
			}
			try {
				if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
					.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("proxy did not answer " + url);
	}

	private record Scrape(double wallSeconds, double proxyCpuSeconds, double generatorCpuSeconds, long bytes) {
	}

	private record Result(String label, double connectSeconds, double connectCpuSeconds, List<Scrape> scrapes,
			long peakRssBytes, long gzipBytes, long sampleLines, long expectedLines, String promtool) {

		String row() {
			List<Double> walls = scrapes.stream().map(Scrape::wallSeconds).sorted().toList();
			return String.format("| %s | %.1f | %.1f | %.2f / %.2f / %.2f | %.2f | %.2f | %d | %.1f | %.1f | %,d / %,d | %s |",
					this.label, this.connectSeconds, this.connectCpuSeconds, walls.get(0), median(walls),
					walls.get(walls.size() - 1), median(scrapes.stream().map(Scrape::proxyCpuSeconds).toList()),
					median(scrapes.stream().map(Scrape::generatorCpuSeconds).toList()), this.peakRssBytes >> 20,
					scrapes.get(0).bytes() / 1e6, this.gzipBytes / 1e6, this.sampleLines, this.expectedLines, this.promtool);
		}

		private static double median(List<Double> values) {
			List<Double> sorted = values.stream().sorted().toList();
			int n = sorted.size();
			return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
		}

	}

}
