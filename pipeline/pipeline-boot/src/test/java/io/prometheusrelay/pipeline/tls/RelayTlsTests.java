package io.prometheusrelay.pipeline.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.harness.TestPki;
import io.prometheusrelay.pipeline.settings.RelayClientProperties;
import io.prometheusrelay.pipeline.settings.RelayServerProperties;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClient;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayUnavailableException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A relay hop with TLS from Spring Boot SSL bundles, as the forwarder and api-servers configure it:
 * with client certificates required, only a peer whose certificate comes from the trusted CA gets a
 * batch through. A peer without TLS, without a certificate or with one from another CA never
 * connects, and a server whose certificate does not name the host dialled is not trusted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayTlsTests {

	@TempDir
	static Path dir;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private final DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();

	private final SimpleMeterRegistry serverMeters = new SimpleMeterRegistry();

	/** What a send that never got an answer is made into. */
	private static final BatchOutcome UNAVAILABLE = BatchOutcome.nack("unavailable", true);

	private final AtomicInteger received = new AtomicInteger();

	private TestPki pki;

	@BeforeAll
	void makeBundles() {
		this.pki = TestPki.create(dir, "relay-ca");
		this.bundles.registerBundle("server", bundle(this.pki.issue("api-server"), this.pki.caCertificate()));
		this.bundles.registerBundle("client", bundle(this.pki.issue("forwarder"), this.pki.caCertificate()));
		this.bundles.registerBundle("trust-only", bundle(null, this.pki.caCertificate()));
		TestPki other = TestPki.create(dir.resolve("other"), "other-ca");
		this.bundles.registerBundle("stranger", bundle(other.issue("stranger"), this.pki.caCertificate()));
		this.bundles.registerBundle("elsewhere", bundle(this.pki.issue("elsewhere", "10.1.2.3"), this.pki.caCertificate()));
	}

	@BeforeEach
	void reset() {
		this.received.set(0);
	}

	@Test
	void onlyAPeerWithACertificateFromTheTrustedCaGetsABatchThrough() {
		RelayServer server = server("127.0.0.1", "server", ServerTlsProperties.ClientAuth.NEED);
		RelayClient trusted = client(server, "127.0.0.1", "client");
		RelayClient plain = client(server, "127.0.0.1", null);
		RelayClient anonymous = client(server, "127.0.0.1", "trust-only");
		RelayClient stranger = client(server, "127.0.0.1", "stranger");
		await().atMost(Duration.ofSeconds(10)).until(trusted::isConnected);
		assertThat(trusted.send(new byte[] { 1 }).block(Duration.ofSeconds(10))).isEqualTo(BatchOutcome.ack());
		// Two seconds of the others retrying and sending: none of them gets a batch through.
		long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
		while (System.nanoTime() < until) {
			for (RelayClient refused : new RelayClient[] { plain, anonymous, stranger }) {
				assertThat(refused.send(new byte[] { 3 }).onErrorReturn(RelayUnavailableException.class, UNAVAILABLE)
					.block(Duration.ofSeconds(10))).isSameAs(UNAVAILABLE);
			}
		}
		// With TLS 1.3 a client's handshake ends before the server has checked its certificate, so a
		// refused client looks connected for the moment until the server's alert arrives, after each
		// retry: it must be seen disconnected, not be disconnected at one chosen instant.
		await("no client certificate").atMost(Duration.ofSeconds(5)).until(() -> !anonymous.isConnected());
		await("a certificate from another CA").atMost(Duration.ofSeconds(5)).until(() -> !stranger.isConnected());
		assertThat(this.received).hasValue(1);
		// Each refused attempt is a failed handshake, counted by the server.
		assertThat(this.serverMeters.get("relay.server.frames.rejected")
			.tag("server", "api-server")
			.tag("reason", "tls_handshake")
			.functionCounter()
			.count()).isGreaterThanOrEqualTo(3);
		assertThat(trusted.send(new byte[] { 2 }).block(Duration.ofSeconds(10))).isEqualTo(BatchOutcome.ack());
	}

	@Test
	void aServerWhoseCertificateDoesNotNameTheHostDialledIsNotTrusted() {
		RelayServer named = server("127.0.0.1", "server", ServerTlsProperties.ClientAuth.NONE);
		RelayServer misnamed = server("127.0.0.1", "elsewhere", ServerTlsProperties.ClientAuth.NONE);
		RelayClient toNamed = client(named, "127.0.0.1", "trust-only");
		RelayClient toMisnamed = client(misnamed, "127.0.0.1", "trust-only");
		await().atMost(Duration.ofSeconds(10)).until(toNamed::isConnected);
		long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
		while (System.nanoTime() < until) {
			assertThat(toMisnamed.isConnected()).isFalse();
		}
		assertThat(toNamed.send(new byte[] { 1 }).block(Duration.ofSeconds(10))).isEqualTo(BatchOutcome.ack());
	}

	private RelayServer server(String host, String bundle, ServerTlsProperties.ClientAuth clientAuth) {
		RelayServerProperties properties = RelayServerProperties.listeningOn(0);
		properties.setHost(host);
		properties.getSsl().setBundle(bundle);
		properties.getSsl().setClientAuth(clientAuth);
		return this.closeables.add(RelayServer.start(properties.toOptions("api-server", this.bundles),
				batch -> {
					this.received.incrementAndGet();
					return Mono.just(BatchOutcome.ack());
				}, this.serverMeters));
	}

	private RelayClient client(RelayServer server, String host, String bundle) {
		RelayClientProperties properties = new RelayClientProperties();
		properties.setMinBackoff(Duration.ofMillis(50));
		properties.setMaxBackoff(Duration.ofMillis(200));
		properties.getSsl().setBundle(bundle);
		return this.closeables.add(new RelayClient("api-server", host, server.port(),
				properties.toOptions(this.bundles, "api-server"), new SimpleMeterRegistry()).start());
	}

	private static SslBundle bundle(TestPki.Issued keys, Path ca) {
		PemSslStoreDetails keyStore = (keys != null) ? PemSslStoreDetails.forCertificate("file:" + keys.certificate())
			.withPrivateKey("file:" + keys.privateKey()) : null;
		return SslBundle.of(new PemSslStoreBundle(keyStore, PemSslStoreDetails.forCertificate("file:" + ca)));
	}

}
