package io.prometheusrelay.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.prometheusrelay.proxy.rsocket.ProxyKeys;
import io.prometheusrelay.proxy.rsocket.RSocketServers;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.testsupport.Promtool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The proxy over real sockets, with applications speaking the original client's protocol. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyServerTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private ConfigurableApplicationContext proxy;

	private int rsocketPort;

	private String baseUrl;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	void startProxy() {
		this.proxy = ProxyServerApplication.application()
			.run("--server.port=0", "--relay.proxy.tcp-port=0", "--relay.proxy.websocket-port=0",
					"--relay.proxy.host=127.0.0.1", "--relay.proxy.max-scrape-size=64KB", "--relay.proxy.max-connections=5");
		this.rsocketPort = this.proxy.getBean(RSocketServers.class).tcpPort();
		this.baseUrl = "http://127.0.0.1:" + this.proxy.getEnvironment().getProperty("local.server.port");
	}

	@AfterAll
	void stopProxy() {
		this.proxy.close();
	}

	@Test
	void servesEveryConnectedApplicationAsOneExpositionWithIdentityLabels() throws Exception {
		LegacyTestClient first = this.closeables.add(LegacyTestClient.connect(this.rsocketPort,
				"# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{queue=\"a\"} 1\n"));
		LegacyTestClient second = this.closeables.add(LegacyTestClient.connect(this.rsocketPort,
				"# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{queue=\"a\",instance=\"app-2\"} 2\n"));
		await().atMost(Duration.ofSeconds(5)).until(() -> first.hasKey() && second.hasKey());
		String exposition = get("/metrics/connected", 10).body();
		assertThat(exposition.lines().filter(line -> line.startsWith("# HELP jobs_total")).count()).isEqualTo(1);
		assertThat(exposition).containsPattern("jobs_total\\{queue=\"a\",instance=\"rsocket-\\d+\"} 1")
			.containsPattern("jobs_total\\{queue=\"a\",exported_instance=\"app-2\",instance=\"rsocket-\\d+\"} 2");
	}

	@Test
	void leavesOutAnApplicationThatDoesNotAnswerWithinTheScrapeTimeout() throws Exception {
		this.closeables.add(LegacyTestClient.silent(this.rsocketPort));
		LegacyTestClient answering = this.closeables.add(LegacyTestClient.connect(this.rsocketPort, "answering 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(answering::hasKey);
		long start = System.nanoTime();
		HttpResponse<String> response = get("/metrics/connected", 1.5);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("answering{instance=");
		assertThat(get("/metrics/proxy", 10).body()).containsPattern("relay_proxy_client_scrapes_total\\{[^}]*outcome=\"timeout\"");
	}

	@Test
	void oneApplicationSendingInvalidUtf8AndAnotherClaimingAThirdsInstanceSpoilNeitherTheScrapeNorAnIdentity()
			throws Exception {
		LegacyTestClient fine = this.closeables.add(LegacyTestClient.connect(this.rsocketPort,
				"# HELP fine_total Fine.\n# TYPE fine_total counter\nfine_total{city=\"caf\u00e9\"} 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(fine::hasKey);
		Matcher own = Pattern.compile("fine_total\\{city=\"caf\u00e9\",(instance=\"rsocket-\\d+\")} 1")
			.matcher(get("/metrics/connected", 10).body());
		assertThat(own.find()).isTrue();
		String fineInstance = own.group(1);
		LegacyTestClient impostor = this.closeables.add(LegacyTestClient.connect(this.rsocketPort,
				"# TYPE fine_total counter\nfine_total{city=\"caf\u00e9\"," + fineInstance + "} 666\n"));
		// C3 28: a lead byte of a two-byte sequence, then "(", which no UTF-8 has there.
		byte[] broken = "# HELP broken_total Broken.\n# TYPE broken_total counter\nbroken_total{city=\"caf\u00c3(\"} 1\n"
			.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
		LegacyTestClient brokenClient = this.closeables.add(LegacyTestClient.connect(this.rsocketPort, broken));
		await().atMost(Duration.ofSeconds(5)).until(() -> impostor.hasKey() && brokenClient.hasKey());
		String exposition = get("/metrics/connected", 10).body();
		assertThat(Promtool.problems(exposition)).isEmpty();
		assertThat(exposition).doesNotContain("broken")
			.containsPattern("fine_total\\{city=\"caf\u00e9\",exported_" + Pattern.quote(fineInstance)
					+ ",instance=\"rsocket-\\d+\"} 666");
		assertThat(exposition.lines().filter(line -> line.contains("," + fineInstance + "}")))
			.containsExactly("fine_total{city=\"caf\u00e9\"," + fineInstance + "} 1");
		assertThat(get("/metrics/proxy", 10).body())
			.containsPattern("relay_proxy_client_scrapes_total\\{[^}]*outcome=\"invalid_utf8\"} [1-9]")
			.containsPattern("relay_proxy_application_up\\{instance=\"rsocket-\\d+\",reason=\"invalid_utf8\"} 0\\.0")
			.contains("relay_proxy_application_up{" + fineInstance + "} 1.0");
	}

	@Test
	void servesADyingPushInExactlyTheNextScrape() throws Exception {
		LegacyTestClient dying = LegacyTestClient.connect(this.rsocketPort, "alive 1\n");
		await().atMost(Duration.ofSeconds(5)).until(dying::hasKey);
		dying.pushAndClose("# TYPE last_words gauge\nlast_words 42\n");
		assertThat(get("/metrics/connected", 10).body()).contains("last_words{instance=");
		assertThat(get("/metrics/connected", 10).body()).doesNotContain("last_words");
	}

	@Test
	void leavesOutAnOverSizeScrapeAndKeepsServing() throws Exception {
		LegacyTestClient huge = this.closeables.add(LegacyTestClient.connect(this.rsocketPort,
				"huge{padding=\"" + "x".repeat(100_000) + "\"} 1\n"));
		LegacyTestClient fine = this.closeables.add(LegacyTestClient.connect(this.rsocketPort, "fine 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(() -> huge.hasKey() && fine.hasKey());
		String exposition = get("/metrics/connected", 10).body();
		assertThat(exposition).contains("fine{instance=").doesNotContain("huge");
		assertThat(get("/metrics/proxy", 10).body()).containsPattern("relay_proxy_client_scrapes_total\\{[^}]*outcome=\"too_large\"");
	}

	@Test
	void rotatesTheRsaKeyWithoutLosingAnApplicationOrAPushOnItsWay() throws Exception {
		ProxyKeys keys = this.proxy.getBean(ProxyKeys.class);
		LegacyTestClient steady = this.closeables.add(LegacyTestClient.connect(this.rsocketPort, "steady 1\n"));
		LegacyTestClient early = LegacyTestClient.connect(this.rsocketPort, "early 1\n");
		LegacyTestClient stale = this.closeables.add(LegacyTestClient.connect(this.rsocketPort, "stale 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(() -> steady.hasKey() && early.hasKey() && stale.hasKey());
		keys.rotateRsa();
		// Scrape requests carry the new key; a push sealed to the key from before the rotation still opens.
		assertThat(get("/metrics/connected", 10).body()).contains("steady{instance=");
		early.pushAndClose("# TYPE early_words gauge\nearly_words 1\n");
		assertThat(get("/metrics/connected", 10).body()).contains("early_words{instance=");
		keys.rotateRsa();
		// Two rotations on, the key it was sealed to is gone: refused and counted, the rest still served.
		assertThatThrownBy(() -> stale.pushAndClose("# TYPE stale_words gauge\nstale_words 1\n"))
			.hasMessageContaining("cannot be decrypted");
		assertThat(get("/metrics/connected", 10).body()).contains("steady{instance=").doesNotContain("stale_words");
		assertThat(get("/metrics/proxy", 10).body())
			.containsPattern("relay_proxy_client_scrapes_total\\{[^}]*outcome=\"push_undecryptable\"} [1-9]");
	}

	@Test
	void streamsTheExpositionGzippedWhenAsked() throws Exception {
		LegacyTestClient client = this.closeables.add(LegacyTestClient.connect(this.rsocketPort,
				"# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{queue=\"gz\"} 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(client::hasKey);
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + "/metrics/connected"))
			.header("Accept-Encoding", "gzip")
			.timeout(Duration.ofSeconds(20))
			.build();
		HttpResponse<byte[]> response = this.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
		// Streamed: the length is not known when the headers go out.
		assertThat(response.headers().firstValue("Content-Length")).isEmpty();
		try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(response.body()))) {
			assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
				.containsPattern("jobs_total\\{queue=\"gz\",instance=\"rsocket-\\d+\"} 1");
		}
	}

	@Test
	void theExampleDashboardQueriesOnlyMetricsTheProxyExports() throws Exception {
		String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("examples", "grafana-dashboard.json"));
		get("/metrics/connected", 10);
		String exported = get("/metrics/proxy", 10).body();
		java.util.regex.Matcher names = java.util.regex.Pattern.compile("relay_proxy_[a-z_]+").matcher(dashboard);
		int checked = 0;
		while (names.find()) {
			String name = names.group().replaceAll("_(bucket|sum|count)$", "");
			assertThat(exported).as(name).containsPattern("(?m)^" + name + "(_bucket|_sum|_count)?[{ ]");
			checked++;
		}
		assertThat(checked).isGreaterThanOrEqualTo(8);
	}

	private HttpResponse<String> get(String path, double scrapeTimeoutSeconds) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path)).timeout(Duration.ofSeconds(20));
		if (scrapeTimeoutSeconds > 0) {
			request.header("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(scrapeTimeoutSeconds));
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
