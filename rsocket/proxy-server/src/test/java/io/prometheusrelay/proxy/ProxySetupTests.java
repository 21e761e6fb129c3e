package io.prometheusrelay.proxy;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.harness.TestPki;
import io.prometheusrelay.proxy.rsocket.ProxyKeys;
import io.prometheusrelay.proxy.rsocket.RSocketServers;
import io.prometheusrelay.rsocket.wire.ClientSetup;
import io.prometheusrelay.rsocket.wire.HpkeScrapeCipher;
import io.prometheusrelay.testsupport.Closeables;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.util.DefaultPayload;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the proxy decides at connection setup and on a push, each with a proxy configured for it:
 * tokens, plaintext for the original scheme, sealed pushes. Speaks the wire format directly; this
 * project's client against the proxy is in the integration tests.
 */
class ProxySetupTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void refusesAClientOfTheOriginalSchemeWhenTokensAreRequired() throws Exception {
		ConfigurableApplicationContext proxy = proxy("--relay.proxy.tokens=s3cret");
		@Nullable LegacyTestClient legacy = null;
		try {
			legacy = LegacyTestClient.connect(rsocketPort(proxy), "legacy 1\n");
		}
		catch (RuntimeException refusedWhileConnecting) {
			// The rejection can reach the client before connect() returns: refused at setup either way.
		}
		if (legacy != null) {
			this.closeables.add(legacy);
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> proxyMetrics(proxy).matches(
					"(?s).*relay_proxy_connections_rejected_total\\{[^}]*reason=\"legacy_not_allowed\"[^}]*} [1-9].*"));
		assertThat(connected(proxy)).doesNotContain("legacy");
		assertThat(proxyMetrics(proxy)).contains("relay_proxy_connections 0.0");
	}

	@Test
	void rejectsATamperedHpkePushAndKeepsServing() throws Exception {
		ConfigurableApplicationContext proxy = proxy();
		RSocket socket = RSocketConnector.create()
			.dataMimeType(ClientSetup.MIME_TYPE)
			.setupPayload(DefaultPayload.create(new ClientSetup(ClientSetup.HPKE_SCHEME, Map.of(), null).encode()))
			.acceptor((setup, sendingSocket) -> Mono.just(new RSocket() {
			}))
			.connect(TcpClientTransport.create("127.0.0.1", rsocketPort(proxy)))
			.block(Duration.ofSeconds(10));
		this.closeables.add(socket::dispose);
		byte[] proxyKey = proxy.getBean(ProxyKeys.class).hpkePublicKey();
		byte[][] sealed = HpkeScrapeCipher.encrypt("tampered 1\n", proxyKey);
		sealed[0][3] ^= 1;
		assertThatThrownBy(() -> socket.requestResponse(DefaultPayload.create(sealed[0], sealed[1]))
			.block(Duration.ofSeconds(10))).hasMessageContaining("does not open");
		assertThat(proxyMetrics(proxy))
			.containsPattern("relay_proxy_client_scrapes_total\\{[^}]*outcome=\"push_undecryptable\"[^}]*} 1");
		assertThat(connected(proxy)).doesNotContain("tampered");
	}

	@Test
	void tellsOriginalClientsToSendPlaintextOnlyWhenAllowed() throws Exception {
		ConfigurableApplicationContext plain = proxy("--relay.proxy.allow-plaintext=true");
		LegacyTestClient trusting = this.closeables.add(LegacyTestClient.connect(rsocketPort(plain), "unencrypted 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(trusting::hasKey);
		assertThat(trusting.toldPlaintext()).isTrue();
		assertThat(connected(plain)).contains("unencrypted{instance=");
		ConfigurableApplicationContext strict = proxy();
		LegacyTestClient careful = this.closeables.add(LegacyTestClient.connect(rsocketPort(strict), "encrypted 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(careful::hasKey);
		assertThat(careful.toldPlaintext()).isFalse();
		assertThat(connected(strict)).contains("encrypted{instance=");
	}

	@Test
	void closesAConnectionSilentForTheIdleTimeoutButNotAScrapeWaitingOnItsApplications() throws Exception {
		assertThat(proxy().getEnvironment().getProperty("server.netty.idle-timeout")).as("the default").isEqualTo("60s");
		ConfigurableApplicationContext proxy = proxy("--server.netty.idle-timeout=2s");
		int httpPort = Integer.parseInt(proxy.getEnvironment().getProperty("local.server.port"));
		try (Socket silent = new Socket("127.0.0.1", httpPort)) {
			silent.setSoTimeout(10_000);
			assertThat(silent.getInputStream().read()).as("closed by the proxy").isEqualTo(-1);
		}
		// An application that never answers: the scrape waits for it, longer than the idle timeout.
		this.closeables.add(LegacyTestClient.silent(rsocketPort(proxy)));
		this.closeables.add(LegacyTestClient.connect(rsocketPort(proxy), "answering 1\n"));
		await().atMost(Duration.ofSeconds(5)).until(() -> proxyMetrics(proxy).contains("relay_proxy_connections 2.0"));
		long start = System.nanoTime();
		HttpResponse<String> scrape = this.http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics/connected"))
			.header("X-Prometheus-Scrape-Timeout-Seconds", "5")
			.timeout(Duration.ofSeconds(20))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(2));
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).contains("answering{instance=");
	}

	@Test
	void servesTheScrapeOverHttpsOnlyToAClientWithATrustedCertificateWhenOneIsRequired(@TempDir Path dir)
			throws Exception {
		TestPki pki = TestPki.create(dir, "scrape-ca");
		List<String> args = new ArrayList<>(pki.bundleArguments("scrape", pki.issue("proxy")));
		args.addAll(List.of("--server.ssl.bundle=scrape", "--server.ssl.client-auth=need"));
		ConfigurableApplicationContext proxy = proxy(args.toArray(String[]::new));
		this.closeables.add(LegacyTestClient.connect(rsocketPort(proxy), "answering 1\n"));
		URI connected = URI.create("https://127.0.0.1:" + proxy.getEnvironment().getProperty("local.server.port")
				+ "/metrics/connected");
		HttpClient prometheus = HttpClient.newBuilder()
			.sslContext(TestPki.sslContext(pki.caCertificate(), pki.issue("prometheus")))
			.build();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(prometheus
			.send(HttpRequest.newBuilder(connected).build(), HttpResponse.BodyHandlers.ofString())
			.body()).contains("answering{instance="));
		HttpClient anonymous = HttpClient.newBuilder().sslContext(TestPki.sslContext(pki.caCertificate(), null)).build();
		assertThatThrownBy(() -> anonymous.send(HttpRequest.newBuilder(connected).build(),
				HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
		assertThatThrownBy(() -> this.http.send(HttpRequest.newBuilder(URI.create(connected.toString().replace("https:", "http:"))).build(),
				HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
	}

	@Test
	void servesTheScrapesOnlyWithAnAcceptedBearerTokenWhenScrapeTokensAreSet() throws Exception {
		ConfigurableApplicationContext proxy = proxy("--relay.proxy.scrape-tokens=old-token,new-token");
		String base = "http://127.0.0.1:" + proxy.getEnvironment().getProperty("local.server.port");
		HttpResponse<String> none = scrape(base + "/metrics/connected", null);
		assertThat(none.statusCode()).isEqualTo(401);
		assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"metrics\"");
		HttpResponse<String> wrong = scrape(base + "/metrics/connected", "Bearer not-a-token");
		assertThat(wrong.statusCode()).isEqualTo(403);
		assertThat(wrong.body()).isEqualTo("token not accepted\n");
		assertThat(scrape(base + "/metrics/connected", "Bearer new-token").statusCode()).isEqualTo(200);
		HttpResponse<String> own = scrape(base + "/metrics/proxy", "bearer old-token");
		assertThat(own.statusCode()).isEqualTo(200);
		assertThat(own.body()).containsPattern("relay_proxy_scrapes_refused_total\\{[^}]*reason=\"unauthenticated\"[^}]*} 1.0")
			.containsPattern("relay_proxy_scrapes_refused_total\\{[^}]*reason=\"forbidden\"[^}]*} 1.0");
		assertThat(scrape(base + "/metrics/proxy", null).statusCode()).isEqualTo(401);
	}

	private HttpResponse<String> scrape(String url, @Nullable String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private ConfigurableApplicationContext proxy(String... more) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--relay.proxy.tcp-port=0",
				"--relay.proxy.websocket-port=0", "--relay.proxy.host=127.0.0.1"));
		args.addAll(List.of(more));
		ConfigurableApplicationContext proxy = ProxyServerApplication.application().run(args.toArray(String[]::new));
		this.closeables.add(proxy::close);
		return proxy;
	}

	private static int rsocketPort(ConfigurableApplicationContext proxy) {
		return proxy.getBean(RSocketServers.class).tcpPort();
	}

	private String proxyMetrics(ConfigurableApplicationContext proxy) throws Exception {
		return get(proxy, "/metrics/proxy");
	}

	private String connected(ConfigurableApplicationContext proxy) throws Exception {
		return get(proxy, "/metrics/connected");
	}

	private String get(ConfigurableApplicationContext proxy, String path) throws Exception {
		String url = "http://127.0.0.1:" + proxy.getEnvironment().getProperty("local.server.port") + path;
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

}
