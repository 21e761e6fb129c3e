package io.prometheusrelay.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.prometheusrelay.proxy.rsocket.RSocketServers;
import io.prometheusrelay.testsupport.Closeables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What one scrape of {@code /metrics/connected} may ask of the proxy: past
 * {@code max-concurrent-scrapes} in progress, a scrape is answered 503 at once instead of waiting;
 * and a timeout header asking for more than {@code max-scrape-timeout} gets that much, not what it
 * asked. An application that never answers holds each scrape for its whole timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScrapeLimitsTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext proxy;

	private String url;

	@BeforeAll
	void startProxy() {
		this.proxy = ProxyServerApplication.application()
			.run("--server.port=0", "--relay.proxy.tcp-port=0", "--relay.proxy.websocket-port=0",
					"--relay.proxy.host=127.0.0.1", "--relay.proxy.max-concurrent-scrapes=1",
					"--relay.proxy.max-scrape-timeout=1500ms", "--relay.proxy.scrape-timeout-margin=0s");
		this.url = "http://127.0.0.1:" + this.proxy.getEnvironment().getProperty("local.server.port");
	}

	/** An application that never answers, and one that does; closed after each test. */
	@BeforeEach
	void connectApplications() {
		int port = this.proxy.getBean(RSocketServers.class).tcpPort();
		LegacyTestClient silent = this.closeables.add(LegacyTestClient.silent(port));
		LegacyTestClient answering = this.closeables.add(LegacyTestClient.connect(port, "answering 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(() -> silent.hasKey() && answering.hasKey());
	}

	@AfterAll
	void stopProxy() {
		this.proxy.close();
	}

	@Test
	void aScrapeBeyondTheLimitIsRefusedAtOnceNotQueued() throws Exception {
		double refusedBefore = refused();
		CompletableFuture<HttpResponse<String>> first = send("/metrics/connected", "1.2");
		// The first one waits 1.2 s on the silent application; the second comes meanwhile.
		Thread.sleep(300);
		assertThat(first).isNotDone();
		long start = System.nanoTime();
		HttpResponse<String> second = send("/metrics/connected", "1.2").get();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
		assertThat(second.statusCode()).isEqualTo(503);
		assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(second.body()).isEqualTo("1 scrapes of /metrics/connected are in progress\n");
		assertThat(first.get().statusCode()).isEqualTo(200);
		assertThat(first.get().body()).contains("answering{instance=");
		assertThat(refused()).isEqualTo(refusedBefore + 1);
		// Once the first is answered, the next one is served.
		assertThat(send("/metrics/connected", "0.5").get().statusCode()).isEqualTo(200);
	}

	@Test
	void aTimeoutHeaderAskingForMoreThanTheCapGetsTheCap() throws Exception {
		long start = System.nanoTime();
		HttpResponse<String> response = send("/metrics/connected", "3600").get();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1400)).isLessThan(Duration.ofSeconds(5));
	}

	private CompletableFuture<HttpResponse<String>> send(String path, String timeoutSeconds) {
		return this.http.sendAsync(HttpRequest.newBuilder(URI.create(this.url + path))
			.header("X-Prometheus-Scrape-Timeout-Seconds", timeoutSeconds)
			.timeout(Duration.ofSeconds(20))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private double refused() throws Exception {
		String metrics = this.http.send(HttpRequest.newBuilder(URI.create(this.url + "/metrics/proxy")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		return metrics.lines()
			.filter(line -> line.startsWith("relay_proxy_scrapes_refused_total{"))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

}
