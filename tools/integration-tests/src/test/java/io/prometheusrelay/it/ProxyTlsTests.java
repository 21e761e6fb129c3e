package io.prometheusrelay.it;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.prometheusrelay.rsocket.client.PrometheusRSocketClient;
import io.prometheusrelay.testsupport.Closeables;
import io.rsocket.transport.netty.client.TcpClientTransport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.tcp.TcpClient;
import reactor.util.retry.Retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Mutual TLS on the proxy's RSocket server, with keys and certificates made by the JDK's keytool: a
 * test CA signs the proxy's certificate and one client's. Only the client with a certificate from
 * that CA gets through; the others never connect, and the proxy keeps serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyTlsTests {

	private static final String PASSWORD = "changeit";

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	static Path dir;

	@BeforeAll
	void makeKeys() throws Exception {
		keytool("-genkeypair", "-keystore", "ca.p12", "-alias", "ca", "-dname", "CN=relay-test-ca", "-ext", "bc:c");
		keytool("-exportcert", "-keystore", "ca.p12", "-alias", "ca", "-rfc", "-file", "ca.pem");
		keytool("-importcert", "-keystore", "trust.p12", "-alias", "ca", "-file", "ca.pem", "-noprompt");
		for (String name : List.of("proxy", "app")) {
			keytool("-genkeypair", "-keystore", name + ".p12", "-alias", name, "-dname", "CN=" + name);
			keytool("-certreq", "-keystore", name + ".p12", "-alias", name, "-file", name + ".csr");
			keytool("-gencert", "-keystore", "ca.p12", "-alias", "ca", "-infile", name + ".csr", "-outfile", name + ".pem",
					"-rfc", "-ext", "san=ip:127.0.0.1");
			keytool("-importcert", "-keystore", name + ".p12", "-alias", "ca", "-file", "ca.pem", "-noprompt");
			keytool("-importcert", "-keystore", name + ".p12", "-alias", name, "-file", name + ".pem");
		}
	}

	@Test
	void onlyAnApplicationWithACertificateFromTheTrustedCaConnects() throws Exception {
		InProcessProxy proxy = proxy("need");
		int port = proxy.rsocketPort();
		PrometheusRSocketClient trusted = client("trusted.app", port, keyManager("app.p12"));
		client("anonymous.app", port, null);
		await().atMost(Duration.ofSeconds(20)).until(() -> proxy.connected().contains("trusted_app_total{"));
		assertThat(trusted.isConnected()).isTrue();
		onlyOneApplicationGetsThrough(proxy, "anonymous_app_total");
	}

	@Test
	void aPlainTcpClientGetsNowhereAndTheProxyKeepsServing() throws Exception {
		InProcessProxy proxy = proxy("none");
		int port = proxy.rsocketPort();
		client("over.tls", port, null);
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder("in.clear").description("A meter").register(registry).increment();
		PrometheusRSocketClient plain = PrometheusRSocketClient.build(registry, TcpClientTransport.create("127.0.0.1", port))
			.retry(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(200)))
			.connect();
		this.closeables.add(plain::close);
		await().atMost(Duration.ofSeconds(20)).until(() -> proxy.connected().contains("over_tls_total{"));
		onlyOneApplicationGetsThrough(proxy, "in_clear_total");
	}

	/** For two seconds of the other one retrying: one connection, and nothing of the other's in any scrape. */
	private void onlyOneApplicationGetsThrough(InProcessProxy proxy, String othersMeter) throws Exception {
		long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
		while (System.nanoTime() < until) {
			assertThat(proxy.connected()).doesNotContain(othersMeter);
			assertThat(proxy.proxyMetrics()).contains("relay_proxy_connections 1.0");
			Thread.sleep(200);
		}
	}

	private InProcessProxy proxy(String clientAuth) {
		String bundle = "--spring.ssl.bundle.jks.relay.";
		return this.closeables.add(new InProcessProxy("--relay.proxy.tls.bundle=relay",
				"--relay.proxy.tls.client-auth=" + clientAuth, bundle + "key.alias=proxy",
				bundle + "keystore.location=file:" + dir.resolve("proxy.p12"), bundle + "keystore.password=" + PASSWORD,
				bundle + "keystore.type=PKCS12", bundle + "truststore.location=file:" + dir.resolve("trust.p12"),
				bundle + "truststore.password=" + PASSWORD, bundle + "truststore.type=PKCS12"));
	}

	/** An application trusting the test CA, with a client certificate when {@code keys} is given. */
	private PrometheusRSocketClient client(String meter, int port, @Nullable KeyManagerFactory keys) throws Exception {
		SslContextBuilder tls = SslContextBuilder.forClient().trustManager(trustManager());
		if (keys != null) {
			tls.keyManager(keys);
		}
		SslContext context = tls.build();
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter.builder(meter).description("A meter").register(registry).increment();
		TcpClient transport = TcpClient.create().host("127.0.0.1").port(port).secure(spec -> spec.sslContext(context));
		PrometheusRSocketClient client = PrometheusRSocketClient.build(registry, TcpClientTransport.create(transport))
			.retry(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(200)))
			.connect();
		this.closeables.add(client::close);
		return client;
	}

	private KeyManagerFactory keyManager(String keystore) throws Exception {
		KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		factory.init(load(keystore), PASSWORD.toCharArray());
		return factory;
	}

	private TrustManagerFactory trustManager() throws Exception {
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(load("trust.p12"));
		return factory;
	}

	private KeyStore load(String name) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(dir.resolve(name))) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	private void keytool(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
		command.addAll(List.of(args));
		command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
		if (args[0].equals("-genkeypair")) {
			command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
		}
		Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
	}

}
