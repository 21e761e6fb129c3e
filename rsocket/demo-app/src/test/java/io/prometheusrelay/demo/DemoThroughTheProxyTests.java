package io.prometheusrelay.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.prometheusrelay.demo.job.ShortLivedJob;
import io.prometheusrelay.demo.service.DemoService;
import io.prometheusrelay.proxy.ProxyServerApplication;
import io.prometheusrelay.proxy.rsocket.RSocketServers;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.harness.FreePorts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The demo applications, with nothing but the starter, against a real proxy-server. */
class DemoThroughTheProxyTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext proxy;

	@BeforeEach
	void startProxy() {
		this.proxy = ProxyServerApplication.application()
			.run("--server.port=0", "--relay.proxy.tcp-port=0", "--relay.proxy.websocket-port=0",
					"--relay.proxy.host=127.0.0.1",
					// The starter is on this test classpath too: the proxy is no application of its own.
					"--management.metrics.export.prometheus.rsocket.enabled=false");
		this.closeables.add(this.proxy::close);
	}

	@Test
	void theServicesMetersAreScrapedThroughTheProxyWithItsIdentity() throws Exception {
		ConfigurableApplicationContext service = DemoService.application().run(proxyAt(tcpPort()));
		this.closeables.add(service::close);
		await().atMost(Duration.ofSeconds(20)).until(() -> connected().contains("demo_orders_total{"));
		assertThat(connected()).containsPattern(
				"demo_orders_total\\{channel=\"web\",application=\"demo-app\",instance=\"[^\"]+:" + ProcessHandle.current().pid() + "\"}")
			.contains("demo_queue_depth{application=\"demo-app\"");
	}

	@Test
	void theShortLivedJobsLastMetricsAreInTheNextScrapeAfterItExited() throws Exception {
		int exitCode = ShortLivedJob.run(proxyAt(tcpPort()));
		assertThat(exitCode).isZero();
		// The job has exited; only its push at shutdown can bring its metrics, and exactly once.
		assertThat(connected()).contains("demo_job_items_total{application=\"demo-job\"").contains(" 42.0");
		assertThat(connected()).doesNotContain("demo_job_items_total");
	}

	@Test
	void startsAndStopsCleanlyWhileTheProxyIsDown() {
		long start = System.nanoTime();
		ConfigurableApplicationContext service = DemoService.application()
			.run("--management.metrics.export.prometheus.rsocket.host=127.0.0.1",
					"--management.metrics.export.prometheus.rsocket.port=" + FreePorts.next(),
					"--management.metrics.export.prometheus.rsocket.timeout=1s");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
		long stop = System.nanoTime();
		service.close();
		// The push at shutdown waits for a connection at most the timeout, then gives up.
		assertThat(Duration.ofNanos(System.nanoTime() - stop)).isLessThan(Duration.ofSeconds(3));
	}

	@Test
	void reachesTheProxyOverWebSocketToo() throws Exception {
		ConfigurableApplicationContext service = DemoService.application()
			.run(proxyAt(this.proxy.getBean(RSocketServers.class).websocketPort()),
					"--management.metrics.export.prometheus.rsocket.transport=websocket");
		this.closeables.add(service::close);
		await().atMost(Duration.ofSeconds(20)).until(() -> connected().contains("demo_orders_total{"));
	}

	private int tcpPort() {
		return this.proxy.getBean(RSocketServers.class).tcpPort();
	}

	private static String proxyAt(int port) {
		return "--management.metrics.export.prometheus.rsocket.port=" + port;
	}

	private String connected() throws Exception {
		String url = "http://127.0.0.1:" + this.proxy.getEnvironment().getProperty("local.server.port") + "/metrics/connected";
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

}
