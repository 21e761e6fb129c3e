package io.prometheusrelay.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.rsocket.client.PrometheusRSocketClient;
import io.prometheusrelay.testsupport.Closeables;
import io.rsocket.transport.netty.client.TcpClientTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Hooks;
import reactor.netty.tcp.TcpClient;
import reactor.util.retry.Retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** This project's client library against this project's proxy, over real sockets. */
class RSocketClientThroughProxyTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void isScrapedThroughTheProxyAndRecordsItsOwnMeters() throws Exception {
		InProcessProxy proxy = proxy(0);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("orders.placed").description("Orders placed").register(registry).increment(3);
		this.closeables.add(client(registry, proxy.rsocketPort()).connectBlockingly()::close);
		assertThat(proxy.connected()).containsPattern("orders_placed_total\\{instance=\"rsocket-\\d+\"} 3\\.0");
		assertThat(proxy.connected()).contains("relay_rsocket_client_scrapes_total{instance=");
		MetersDocument.assertDocuments("rsocket-client", registry.scrape());
		MetersDocument.assertDocuments("proxy-server", proxy.proxyMetrics());
	}

	@Test
	void pushesItsLastScrapeWhichTheNextScrapeServesOnce() throws Exception {
		InProcessProxy proxy = proxy(0);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter counter = Counter.builder("batch.items").description("Items done").register(registry);
		PrometheusRSocketClient client = client(registry, proxy.rsocketPort()).connectBlockingly();
		counter.increment(99);
		client.pushAndCloseBlockingly();
		assertThat(client.isConnected()).isFalse();
		assertThat(proxy.connected()).contains("batch_items_total{instance=").contains(" 99.0");
		assertThat(proxy.connected()).doesNotContain("batch_items_total");
	}

	@Test
	void aJobThatEndsWhileStillConnectingStillPushesItsLastScrape() throws Exception {
		InProcessProxy proxy = proxy(0);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("early.exit").description("Done before connecting").register(registry).increment(5);
		// connect() returns at once; the push waits for the connection, within the timeout.
		client(registry, proxy.rsocketPort()).connect().pushAndCloseBlockingly();
		assertThat(proxy.connected()).contains("early_exit_total{instance=").contains(" 5.0");
	}

	@Test
	void reconnectsByItselfWhenTheProxyComesBack() throws Exception {
		int port = FreePorts.next();
		InProcessProxy first = proxy(port);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("still.here").description("Still here").register(registry).increment();
		PrometheusRSocketClient client = client(registry, port).connectBlockingly();
		this.closeables.add(client::close);
		first.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> !client.isConnected());
		InProcessProxy second = proxy(port);
		await().atMost(Duration.ofSeconds(10)).until(client::isConnected);
		await().atMost(Duration.ofSeconds(10)).until(() -> second.connected().contains("still_here_total"));
	}

	@Test
	void negotiatesHpkeAndLabelsItsSeriesWithTheIdentityItSentInSetup() throws Exception {
		InProcessProxy proxy = proxy(0);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("labelled").description("Labelled").register(registry).increment();
		this.closeables.add(client(registry, proxy.rsocketPort()).identityLabel("instance", "checkout-7")
			.identityLabel("zone", "eu \"1\"")
			.connectBlockingly()::close);
		assertThat(proxy.connected()).contains("labelled_total{instance=\"checkout-7\",zone=\"eu \\\"1\\\"\"} 1.0");
	}

	@Test
	void refusesAWrongTokenAtSetupAndAcceptsTheRightOne() throws Exception {
		InProcessProxy proxy = proxy(0, "--relay.proxy.tokens=s3cret,other");
		PrometheusMeterRegistry intruderRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("intruder").description("Intruder").register(intruderRegistry).increment();
		PrometheusRSocketClient wrong = PrometheusRSocketClient
			.build(intruderRegistry, TcpClientTransport.create("127.0.0.1", proxy.rsocketPort()))
			.retry(Retry.fixedDelay(2, Duration.ofMillis(300)))
			.token("guess")
			.connect();
		this.closeables.add(wrong::close);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("guarded").description("Guarded").register(registry).increment();
		PrometheusRSocketClient right = client(registry, proxy.rsocketPort()).token("s3cret").connectBlockingly();
		this.closeables.add(right::close);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> proxy.proxyMetrics().matches(
					"(?s).*relay_proxy_connections_rejected_total\\{[^}]*reason=\"invalid_token\"[^}]*} [1-9].*"));
		String exposition = proxy.connected();
		assertThat(exposition).contains("guarded_total{instance=").doesNotContain("intruder");
		// A refused client waits before trying again rather than hammering the proxy.
		Thread.sleep(2000);
		assertThat(proxy.proxyMetrics())
			.containsPattern("relay_proxy_connections_rejected_total\\{[^}]*reason=\"invalid_token\"[^}]*} 1\\.0");
	}

	@Test
	void twoHundredClientsConnectingAtOnceAreAllServedScrapeAfterScrape() throws Exception {
		// A SETUP payload released twice once corrupted pooled buffers under exactly this load: errors
		// dropped by Reactor (a failed release) and connections that never got their key.
		List<Throwable> dropped = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(dropped::add);
		this.closeables.add(Hooks::resetOnErrorDropped);
		InProcessProxy proxy = proxy(0);
		List<Counter> counters = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			counters.add(Counter.builder("crowd.requests").description("Requests").tag("app", "a" + i).register(registry));
			PrometheusRSocketClient client = PrometheusRSocketClient
				.build(registry, TcpClientTransport.create(TcpClient.newConnection()
					.host("127.0.0.1")
					.port(proxy.rsocketPort())))
				.retry(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(100)))
				.connect();
			this.closeables.add(client::close);
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> proxy.proxyMetrics().contains("relay_proxy_connections 200.0"));
		for (int round = 1; round <= 3; round++) {
			for (Counter counter : counters) {
				counter.increment();
			}
			// Each scrape reuses the last one's buffers: every application's current value, none stale.
			String exposition = proxy.connected();
			String value = " " + round + ".0";
			assertThat(exposition.lines().filter(line -> line.startsWith("crowd_requests_total{")).toList())
				.hasSize(200)
				.allSatisfy(line -> assertThat(line).endsWith(value));
		}
		assertThat(dropped).isEmpty();
	}

	private PrometheusRSocketClient.Builder client(PrometheusMeterRegistry registry, int port) {
		return PrometheusRSocketClient.build(registry, TcpClientTransport.create("127.0.0.1", port))
			.retry(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(100)))
			.timeout(Duration.ofSeconds(5));
	}

	private InProcessProxy proxy(int rsocketPort, String... settings) {
		return this.closeables.add(new InProcessProxy(rsocketPort, settings));
	}

}
