package io.prometheusrelay.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.proxy.rsocket.RSocketServers;
import io.prometheusrelay.rsocket.client.PrometheusRSocketClient;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.testsupport.FreePorts;
import io.rsocket.transport.netty.client.TcpClientTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.util.retry.Retry;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** This project's client against this project's proxy, over real sockets. */
class RSocketClientTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void isScrapedThroughTheProxyAndRecordsItsOwnMeters() throws Exception {
		ConfigurableApplicationContext proxy = proxy(0);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("orders.placed").description("Orders placed").register(registry).increment(3);
		this.closeables.add(client(registry, rsocketPort(proxy)).connectBlockingly()::close);
		assertThat(connected(proxy)).containsPattern("orders_placed_total\\{instance=\"rsocket-\\d+\"} 3\\.0");
		assertThat(connected(proxy)).contains("relay_rsocket_client_scrapes_total{instance=");
	}

	@Test
	void pushesItsLastScrapeWhichTheNextScrapeServesOnce() throws Exception {
		ConfigurableApplicationContext proxy = proxy(0);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter counter = Counter.builder("batch.items").description("Items done").register(registry);
		PrometheusRSocketClient client = client(registry, rsocketPort(proxy)).connectBlockingly();
		counter.increment(99);
		client.pushAndCloseBlockingly();
		assertThat(client.isConnected()).isFalse();
		assertThat(connected(proxy)).contains("batch_items_total{instance=").contains(" 99.0");
		assertThat(connected(proxy)).doesNotContain("batch_items_total");
	}

	@Test
	void reconnectsByItselfWhenTheProxyComesBack() throws Exception {
		int port = FreePorts.next();
		ConfigurableApplicationContext first = proxy(port);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("still.here").description("Still here").register(registry).increment();
		PrometheusRSocketClient client = client(registry, port).connectBlockingly();
		this.closeables.add(client::close);
		first.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> !client.isConnected());
		ConfigurableApplicationContext second = proxy(port);
		await().atMost(Duration.ofSeconds(10)).until(client::isConnected);
		await().atMost(Duration.ofSeconds(10)).until(() -> connected(second).contains("still_here_total"));
	}

	private PrometheusRSocketClient.Builder client(PrometheusMeterRegistry registry, int port) {
		return PrometheusRSocketClient.build(registry, TcpClientTransport.create("127.0.0.1", port))
			.retry(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(100)))
			.timeout(Duration.ofSeconds(5));
	}

	private ConfigurableApplicationContext proxy(int rsocketPort) {
		ConfigurableApplicationContext proxy = ProxyServerApplication.application()
			.run("--server.port=0", "--relay.proxy.tcp-port=" + rsocketPort, "--relay.proxy.websocket-port=0",
					"--relay.proxy.host=127.0.0.1");
		this.closeables.add(proxy::close);
		return proxy;
	}

	private static int rsocketPort(ConfigurableApplicationContext proxy) {
		return proxy.getBean(RSocketServers.class).tcpPort();
	}

	private String connected(ConfigurableApplicationContext proxy) throws Exception {
		String url = "http://127.0.0.1:" + proxy.getEnvironment().getProperty("local.server.port") + "/metrics/connected";
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

}
