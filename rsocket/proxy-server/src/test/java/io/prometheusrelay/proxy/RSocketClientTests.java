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
import io.prometheusrelay.harness.FreePorts;
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
	void aJobThatEndsWhileStillConnectingStillPushesItsLastScrape() throws Exception {
		ConfigurableApplicationContext proxy = proxy(0);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("early.exit").description("Done before connecting").register(registry).increment(5);
		// connect() returns at once; the push waits for the connection, within the timeout.
		client(registry, rsocketPort(proxy)).connect().pushAndCloseBlockingly();
		assertThat(connected(proxy)).contains("early_exit_total{instance=").contains(" 5.0");
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

	@Test
	void negotiatesHpkeAndLabelsItsSeriesWithTheIdentityItSentInSetup() throws Exception {
		ConfigurableApplicationContext proxy = proxy(0);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("labelled").description("Labelled").register(registry).increment();
		this.closeables.add(client(registry, rsocketPort(proxy)).identityLabel("instance", "checkout-7")
			.identityLabel("zone", "eu \"1\"")
			.connectBlockingly()::close);
		assertThat(connected(proxy)).contains("labelled_total{instance=\"checkout-7\",zone=\"eu \\\"1\\\"\"} 1.0");
	}

	@Test
	void refusesAWrongTokenAtSetupAndAcceptsTheRightOne() throws Exception {
		ConfigurableApplicationContext proxy = proxy(0, "--relay.proxy.tokens=s3cret,other");
		PrometheusMeterRegistry intruderRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("intruder").description("Intruder").register(intruderRegistry).increment();
		PrometheusRSocketClient wrong = PrometheusRSocketClient
			.build(intruderRegistry, TcpClientTransport.create("127.0.0.1", rsocketPort(proxy)))
			.retry(Retry.fixedDelay(2, Duration.ofMillis(300)))
			.token("guess")
			.connect();
		this.closeables.add(wrong::close);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("guarded").description("Guarded").register(registry).increment();
		PrometheusRSocketClient right = client(registry, rsocketPort(proxy)).token("s3cret").connectBlockingly();
		this.closeables.add(right::close);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> proxyMetrics(proxy).matches(
					"(?s).*relay_proxy_connections_rejected_total\\{[^}]*reason=\"invalid_token\"[^}]*} [1-9].*"));
		String exposition = connected(proxy);
		assertThat(exposition).contains("guarded_total{instance=").doesNotContain("intruder");
		// A refused client waits before trying again rather than hammering the proxy.
		Thread.sleep(2000);
		assertThat(proxyMetrics(proxy))
			.containsPattern("relay_proxy_connections_rejected_total\\{[^}]*reason=\"invalid_token\"[^}]*} 1\\.0");
	}

	@Test
	void refusesAClientOfTheOriginalSchemeWhenTokensAreRequired() throws Exception {
		ConfigurableApplicationContext proxy = proxy(0, "--relay.proxy.tokens=s3cret");
		try (LegacyTestClient legacy = LegacyTestClient.connect(rsocketPort(proxy), "legacy 1\n")) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> proxyMetrics(proxy).matches(
						"(?s).*relay_proxy_connections_rejected_total\\{[^}]*reason=\"legacy_not_allowed\"[^}]*} [1-9].*"));
			assertThat(connected(proxy)).doesNotContain("legacy");
		}
		catch (RuntimeException refused) {
			// the connection may already fail while connecting: refused at setup either way
		}
	}

	@Test
	void rejectsATamperedHpkePushAndKeepsServing() throws Exception {
		ConfigurableApplicationContext proxy = proxy(0);
		io.rsocket.RSocket socket = io.rsocket.core.RSocketConnector.create()
			.dataMimeType(io.prometheusrelay.rsocket.wire.ClientSetup.MIME_TYPE)
			.setupPayload(io.rsocket.util.DefaultPayload.create(new io.prometheusrelay.rsocket.wire.ClientSetup(
					io.prometheusrelay.rsocket.wire.ClientSetup.HPKE_SCHEME, java.util.Map.of(), null).encode()))
			.acceptor((setup, sendingSocket) -> reactor.core.publisher.Mono.just(new io.rsocket.RSocket() {
			}))
			.connect(TcpClientTransport.create("127.0.0.1", rsocketPort(proxy)))
			.block(Duration.ofSeconds(10));
		this.closeables.add(socket::dispose);
		byte[] proxyKey = proxy.getBean(io.prometheusrelay.proxy.rsocket.ProxyKeys.class).hpkePublicKey();
		byte[][] sealed = io.prometheusrelay.rsocket.wire.HpkeScrapeCipher.encrypt("tampered 1\n", proxyKey);
		sealed[0][3] ^= 1;
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> socket.requestResponse(io.rsocket.util.DefaultPayload.create(sealed[0], sealed[1]))
				.block(Duration.ofSeconds(10)))
			.hasMessageContaining("does not open");
		assertThat(proxyMetrics(proxy)).containsPattern("relay_proxy_client_scrapes_total\\{[^}]*outcome=\"push_undecryptable\"[^}]*} 1");
		assertThat(connected(proxy)).doesNotContain("tampered");
	}

	@Test
	void tellsOriginalClientsToSendPlaintextOnlyWhenAllowed() throws Exception {
		ConfigurableApplicationContext plain = proxy(0, "--relay.proxy.allow-plaintext=true");
		LegacyTestClient trusting = this.closeables.add(LegacyTestClient.connect(rsocketPort(plain), "unencrypted 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(trusting::hasKey);
		assertThat(trusting.toldPlaintext()).isTrue();
		assertThat(connected(plain)).contains("unencrypted{instance=");
		ConfigurableApplicationContext strict = proxy(0);
		LegacyTestClient careful = this.closeables.add(LegacyTestClient.connect(rsocketPort(strict), "encrypted 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(careful::hasKey);
		assertThat(careful.toldPlaintext()).isFalse();
		assertThat(connected(strict)).contains("encrypted{instance=");
	}

	@Test
	void twoHundredClientsConnectingAtOnceAreAllServedScrapeAfterScrape() throws Exception {
		// A SETUP payload released twice once corrupted pooled buffers under exactly this load: errors
		// dropped by Reactor (a failed release) and connections that never got their key.
		java.util.List<Throwable> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
		reactor.core.publisher.Hooks.onErrorDropped(dropped::add);
		this.closeables.add(reactor.core.publisher.Hooks::resetOnErrorDropped);
		ConfigurableApplicationContext proxy = proxy(0);
		java.util.List<Counter> counters = new java.util.ArrayList<>();
		for (int i = 0; i < 200; i++) {
			PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			counters.add(Counter.builder("crowd.requests").description("Requests").tag("app", "a" + i).register(registry));
			PrometheusRSocketClient client = PrometheusRSocketClient
				.build(registry, TcpClientTransport.create(reactor.netty.tcp.TcpClient.newConnection()
					.host("127.0.0.1")
					.port(rsocketPort(proxy))))
				.retry(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(100)))
				.connect();
			this.closeables.add(client::close);
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> proxyMetrics(proxy).contains("relay_proxy_connections 200.0"));
		for (int round = 1; round <= 3; round++) {
			for (Counter counter : counters) {
				counter.increment();
			}
			// Each scrape reuses the last one's buffers: every application's current value, none stale.
			String exposition = connected(proxy);
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

	private ConfigurableApplicationContext proxy(int rsocketPort, String... more) {
		java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--server.port=0",
				"--relay.proxy.tcp-port=" + rsocketPort, "--relay.proxy.websocket-port=0", "--relay.proxy.host=127.0.0.1"));
		args.addAll(java.util.List.of(more));
		ConfigurableApplicationContext proxy = ProxyServerApplication.application().run(args.toArray(String[]::new));
		this.closeables.add(proxy::close);
		return proxy;
	}

	private static int rsocketPort(ConfigurableApplicationContext proxy) {
		return proxy.getBean(RSocketServers.class).tcpPort();
	}

	private String proxyMetrics(ConfigurableApplicationContext proxy) throws Exception {
		String url = "http://127.0.0.1:" + proxy.getEnvironment().getProperty("local.server.port") + "/metrics/proxy";
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
	}

	private String connected(ConfigurableApplicationContext proxy) throws Exception {
		String url = "http://127.0.0.1:" + proxy.getEnvironment().getProperty("local.server.port") + "/metrics/connected";
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

}
