package io.prometheusrelay.it;

import java.nio.file.Path;
import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.rsocket.client.PrometheusRSocketClient;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.testsupport.Promtool;
import io.rsocket.transport.netty.client.TcpClientTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.util.retry.Retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 200 applications with the same metric names, 100 on micrometer's published client (in their own
 * JVM) and 100 on this project's: {@code /metrics/connected} is one exposition promtool accepts, and
 * a real Prometheus scraping the proxy ingests every application's series, none dropped as duplicates.
 */
class ManyClientsOneExpositionTests {

	private static final int EACH = 100;

	private static final CompatModule MICROMETER_CLIENT = CompatModule.of("micrometer-client-1.5.3");

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path workDir;

	@Test
	void twoHundredApplicationsOfBothKindsAreOneValidExpositionThatPrometheusIngestsWhole() throws Exception {
		PrometheusServer.assumeInstalled();
		InProcessProxy proxy = this.closeables.add(new InProcessProxy());
		int rsocketPort = proxy.rsocketPort();
		String httpPort = proxy.httpPort();

		this.closeables.add(MICROMETER_CLIENT.start("micrometer-clients", "io.prometheusrelay.compat.CompatClientApp",
				this.workDir, "127.0.0.1", Integer.toString(rsocketPort), "micrometer", "serve", Integer.toString(EACH)));
		for (int i = 0; i < EACH; i++) {
			PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			String app = "ours-" + i;
			Counter.builder("compat.requests").description("Requests handled").tag("app", app).register(registry).increment(7);
			Gauge.builder("compat.queue.depth", () -> 3).description("Jobs waiting").tag("app", app).register(registry);
			PrometheusRSocketClient client = PrometheusRSocketClient
				.build(registry, TcpClientTransport.create("127.0.0.1", rsocketPort))
				.retry(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(200)))
				.connect();
			this.closeables.add(client::close);
		}
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> count(proxy.connected(), "compat_requests_total{") == 2 * EACH);

		String exposition = proxy.connected();
		assertThat(count(exposition, "compat_queue_depth{")).isEqualTo(2 * EACH);
		assertThat(count(exposition, "# HELP compat_requests_total ")).isEqualTo(1);
		assertThat(Promtool.problems(exposition)).isEmpty();

		try (PrometheusServer prometheus = PrometheusServer.start(this.workDir, port -> """
				global:
				  scrape_interval: 2s
				  scrape_timeout: 1500ms
				scrape_configs:
				  - job_name: proxy
				    metrics_path: /metrics/connected
				    static_configs:
				      - targets: ['127.0.0.1:%s']
				""".formatted(httpPort))) {
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> prometheus.query("count(compat_requests_total)") == 2 * EACH);
			assertThat(prometheus.query("count(compat_queue_depth)")).isEqualTo(2 * EACH);
			assertThat(prometheus.query("count(count by (app) (compat_requests_total))")).isEqualTo(2 * EACH);
			assertThat(prometheus.ownMetrics()).contains("prometheus_target_scrapes_sample_duplicate_timestamp_total 0")
				.contains("prometheus_target_scrapes_exceeded_sample_limit_total 0");
		}
	}

	private static long count(String text, String prefix) {
		return text.lines().filter(line -> line.startsWith(prefix)).count();
	}

}
