package io.prometheusrelay.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.rsocket.client.PrometheusRSocketClient;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.ManagedProcess;
import io.rsocket.transport.netty.client.TcpClientTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.util.retry.Retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * This project's client against micrometer's published proxy 1.5.3, running in its own JVM with its
 * own classpath (built by tools/compat/micrometer-proxy-1.5.3): teams can switch their applications
 * without touching their proxy.
 */
class MicrometerProxyCompatibilityTests {

	private static final CompatModule MICROMETER_PROXY = CompatModule.of("micrometer-proxy-1.5.3");

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path workDir;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void ourClientIsScrapedByThePublishedProxyAndItsPushIsServed() throws Exception {
		int httpPort = FreePorts.next();
		int rsocketPort = FreePorts.next();
		ManagedProcess proxy = this.closeables.add(MICROMETER_PROXY.start("micrometer-proxy",
				"io.prometheusrelay.compat.CompatProxyApp", this.workDir, "--server.port=" + httpPort,
				"--micrometer.prometheus-proxy.tcp-port=" + rsocketPort,
				"--micrometer.prometheus-proxy.websocket-port=" + FreePorts.next()));
		String connected = "http://127.0.0.1:" + httpPort + "/metrics/connected";
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!proxy.isAlive()) {
				throw new IllegalStateException("micrometer's proxy exited:\n" + proxy.tail(30));
			}
			return status(connected) == 200;
		});

		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter counter = Counter.builder("switched.app.requests").description("Requests").register(registry);
		counter.increment(5);
		PrometheusRSocketClient client = PrometheusRSocketClient
			.build(registry, TcpClientTransport.create("127.0.0.1", rsocketPort))
			.retry(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(200)))
			.connectBlockingly(Duration.ofSeconds(10));
		await().atMost(Duration.ofSeconds(20)).until(() -> get(connected).contains("switched_app_requests_total 5.0"));

		counter.increment(10);
		client.pushAndCloseBlockingly();
		await().atMost(Duration.ofSeconds(20)).until(() -> get(connected).contains("switched_app_requests_total 15.0"));
	}

	private int status(String url) {
		try {
			return this.http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (Exception ex) {
			return -1;
		}
	}

	private String get(String url) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

}
