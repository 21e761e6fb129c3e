package io.prometheusrelay.it;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.GoPeer;
import io.prometheusrelay.harness.ManagedProcess;
import io.prometheusrelay.testsupport.RealPeers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Prometheus server, configured by the test, on a free port with a temporary data directory:
 * Debian's {@code prometheus} (2.42), or Prometheus v3.5.0 built from its Go module.
 */
final class PrometheusServer implements AutoCloseable {

	static final String BINARY = "/usr/bin/prometheus";

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final ManagedProcess process;

	private final int port;

	private PrometheusServer(ManagedProcess process, int port) {
		this.process = process;
		this.port = port;
	}

	/** Skips the calling test (fails it under CI), saying why, when Prometheus is not installed. */
	static void assumeInstalled() {
		RealPeers.require(Files.isExecutable(Path.of(BINARY)),
				"Debian's prometheus package is not installed (apt-get install -y prometheus); .ci/run installs it");
	}

	/**
	 * {@code promtool check config} of Prometheus v3.5.0, the version docker-compose.yml and
	 * deploy/kubernetes run: fails, with promtool's report, on a config that Prometheus would refuse.
	 */
	static void checkConfig(Path config) throws Exception {
		RealPeers.requireBuilt(GoPeer.PROMTOOL);
		Process process = new ProcessBuilder(GoPeer.PROMTOOL.binary().toString(), "check", "config", config.toString())
			.redirectErrorStream(true)
			.start();
		String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("promtool check config " + config + ":\n" + report).isZero();
	}

	/**
	 * Starts Prometheus scraping itself every second and remote-writing to {@code remoteWriteUrl}.
	 */
	static PrometheusServer scrapingItselfAndWritingTo(String remoteWriteUrl, Path workDir) throws Exception {
		return start(workDir, port -> """
				global:
				  scrape_interval: 1s
				  evaluation_interval: 1s
				scrape_configs:
				  - job_name: prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				remote_write:
				  - url: %s
				    queue_config:
				      batch_send_deadline: 1s
				      min_backoff: 100ms
				      max_backoff: 2s
				""".formatted(port, remoteWriteUrl));
	}

	/** Starts Debian's Prometheus with the configuration {@code config} makes for the port it will listen on. */
	static PrometheusServer start(Path workDir, java.util.function.IntFunction<String> config) throws Exception {
		assumeInstalled();
		return start(BINARY, List.of(), workDir, config);
	}

	/**
	 * Starts Prometheus v3.5.0, built from its Go module, with the feature flags under which it
	 * scrapes native histograms (protobuf exposition first) and exemplars, and keeps metadata to send.
	 */
	static PrometheusServer version3(Path workDir, java.util.function.IntFunction<String> config) throws Exception {
		RealPeers.requireBuilt(GoPeer.PROMETHEUS);
		return start(GoPeer.PROMETHEUS.binary().toString(),
				List.of("--enable-feature=native-histograms,exemplar-storage,metadata-wal-records"), workDir, config);
	}

	/**
	 * Starts Prometheus v3.5.0 on an existing data directory, scraping nothing: to query the blocks
	 * in it. It keeps them (retention of 100 years) but may compact them, so give it a copy.
	 */
	static PrometheusServer version3On(Path dataDir, Path workDir) throws Exception {
		RealPeers.requireBuilt(GoPeer.PROMETHEUS);
		return start(GoPeer.PROMETHEUS.binary().toString(), List.of("--storage.tsdb.retention.time=100y"), workDir,
				dataDir, port -> "global:\n  scrape_interval: 1h\n");
	}

	private static PrometheusServer start(String binary, List<String> flags, Path workDir,
			java.util.function.IntFunction<String> config) throws Exception {
		return start(binary, flags, workDir, null, config);
	}

	private static PrometheusServer start(String binary, List<String> flags, Path workDir, Path dataDir,
			java.util.function.IntFunction<String> config) throws Exception {
		int port = FreePorts.next();
		// A directory per server, so that two can run side by side in one test.
		Path dir = Files.createDirectories(workDir.resolve("prometheus-" + port));
		Path configFile = dir.resolve("prometheus.yml");
		Files.writeString(configFile, config.apply(port));
		Path storage = (dataDir != null) ? dataDir : dir.resolve("data");
		List<String> command = new java.util.ArrayList<>(List.of(binary, "--config.file=" + configFile,
				"--storage.tsdb.path=" + storage, "--web.listen-address=127.0.0.1:" + port));
		command.addAll(flags);
		ManagedProcess process = ManagedProcess.start("prometheus", command, dir);
		PrometheusServer server = new PrometheusServer(process, port);
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(server::isReady);
		return server;
	}

	/** The value of an instant query that returns one sample, or NaN when it returns none. */
	double query(String promql) throws Exception {
		String body = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
		List<Object> result = JsonPath.read(body, "$.data.result");
		if (result.isEmpty()) {
			return Double.NaN;
		}
		String value = JsonPath.read(body, "$.data.result[0].value[1]");
		return Double.parseDouble(value);
	}

	/**
	 * The raw samples of a range selector ({@code name{...}[10m]}), as the HTTP API's instant query
	 * reports them: {@code $.data.result[*].values} for floats, {@code .histograms} for native histograms.
	 */
	String rawSamples(String rangeSelector) throws Exception {
		return get("/api/v1/query?query=" + URLEncoder.encode(rangeSelector, StandardCharsets.UTF_8)).body();
	}

	/** The metadata the HTTP API reports for one metric family: {@code $.data.<name>[*].type, help, unit}. */
	String metadata(String family) throws Exception {
		return get("/api/v1/metadata?metric=" + URLEncoder.encode(family, StandardCharsets.UTF_8)).body();
	}

	/** The exemplars the HTTP API holds for a selector over the last hour ({@code /api/v1/query_exemplars}). */
	String exemplars(String selector) throws Exception {
		long now = System.currentTimeMillis() / 1000;
		return get("/api/v1/query_exemplars?query=" + URLEncoder.encode(selector, StandardCharsets.UTF_8) + "&start="
				+ (now - 3600) + "&end=" + (now + 60)).body();
	}

	/** The port its web API and its own metrics are on. */
	int port() {
		return this.port;
	}

	/** Prometheus's own metrics, as it exposes them. */
	String ownMetrics() throws Exception {
		return get("/metrics").body();
	}

	private boolean isReady() {
		if (!this.process.isAlive()) {
			throw new IllegalStateException("prometheus exited:\n" + this.process.tail(30));
		}
		try {
			return get("/-/ready").statusCode() == 200;
		}
		catch (Exception ex) {
			return false;
		}
	}

	/** Every series the HTTP API reports for a selector, as label maps. */
	List<Map<String, String>> series(String selector) throws Exception {
		String body = get("/api/v1/series?match[]=" + URLEncoder.encode(selector, StandardCharsets.UTF_8)).body();
		return JsonPath.read(body, "$.data");
	}

	/** Remote-write samples Prometheus gave up on (a non-retryable answer), summed over queues. */
	double droppedRemoteWriteSamples() throws Exception {
		String body = get("/api/v1/query?query="
				+ URLEncoder.encode("sum(prometheus_remote_storage_samples_failed_total) or vector(0)", StandardCharsets.UTF_8))
			.body();
		String value = JsonPath.read(body, "$.data.result[0].value[1]");
		return Double.parseDouble(value);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	String tail(int lines) {
		return this.process.tail(lines);
	}

	@Override
	public void close() {
		this.process.stop(Duration.ofSeconds(20));
	}

}
