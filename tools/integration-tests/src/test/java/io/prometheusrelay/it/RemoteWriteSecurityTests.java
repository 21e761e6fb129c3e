package io.prometheusrelay.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import io.prometheusrelay.apiserver.store.SeriesKey;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The receiver with TLS, client certificates and credentials, as a platform team runs it, written
 * to by Debian's Prometheus with {@code tls_config} and {@code basic_auth} or {@code authorization}:
 * what it sends with the right credentials reaches both api-servers; with a wrong password or none,
 * it is refused (403, 401) and Prometheus counts the samples failed. Clients without a certificate
 * from the trusted CA, or without TLS, do not get a request in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteWriteSecurityTests {

	private static final String PASSWORD = "remote-write-password";

	private static final String TOKEN = "remote-write-token";

	@TempDir
	static Path dir;

	private TestPki pki;

	private Path passwordFile;

	private Path tokenFile;

	private Pipeline pipeline;

	@BeforeAll
	void startThePipeline() throws Exception {
		this.pki = TestPki.create(dir, "relay-ca");
		TestPki.Issued certificate = this.pki.issue("receiver");
		this.passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
		this.tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
		String bundle = "--spring.ssl.bundle.pem.receiver.";
		// TLS with a client certificate required, credentials, and the actuator on a plain port of its own.
		this.pipeline = new Pipeline(dir, List.of("--server.ssl.bundle=receiver", "--server.ssl.client-auth=need",
				bundle + "keystore.certificate=file:" + certificate.certificate(),
				bundle + "keystore.private-key=file:" + certificate.privateKey(),
				bundle + "truststore.certificate=file:" + this.pki.caCertificate(),
				"--management.server.port=" + FreePorts.next(), "--management.server.ssl.enabled=false",
				"--relay.receiver.auth.basic[0].username=prometheus",
				"--relay.receiver.auth.basic[0].password-file=" + this.passwordFile,
				"--relay.receiver.auth.bearer[0].token-file=" + this.tokenFile));
		this.pipeline.start();
	}

	@AfterAll
	void stopThePipeline() {
		if (this.pipeline != null) {
			this.pipeline.close();
		}
	}

	@Test
	void prometheusWritesOverMutualTlsWithBasicAuthOrABearerTokenAndIsRefusedWithoutTheRightOnes() throws Exception {
		PrometheusServer.assumeInstalled();
		TestPki.Issued certificate = this.pki.issue("prometheus");
		Path wrongPasswordFile = Files.writeString(dir.resolve("wrong-password"), "not-it");
		try (PrometheusServer prometheus = PrometheusServer.start(dir, port -> """
						global:
						  scrape_interval: 1s
						scrape_configs:
						  - job_name: prometheus
						    static_configs:
						      - targets: ['127.0.0.1:%d']
						remote_write:
						%s%s%s%s""".formatted(port,
						queue("basic", certificate, "basic_auth: {username: prometheus, password_file: " + this.passwordFile + "}"),
						queue("bearer", certificate, "authorization: {type: Bearer, credentials_file: " + this.tokenFile + "}"),
						queue("wrong-password", certificate,
								"basic_auth: {username: prometheus, password_file: " + wrongPasswordFile + "}"),
						queue("no-credentials", certificate, "")))) {
			SeriesKey up = SeriesKey.of(Map.of("__name__", "up", "job", "prometheus", "instance", "127.0.0.1:" + prometheus.port()));
			await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
				for (Path dataDir : this.pipeline.dataDirs) {
					assertThat(StoredSeries.seriesIn(dataDir)).as(dataDir.toString()).contains(up);
				}
				String own = prometheus.ownMetrics();
				assertThat(failedSamples(own, "wrong-password")).isPositive();
				assertThat(failedSamples(own, "no-credentials")).isPositive();
				String receiver = this.pipeline.receiver.metrics();
				assertThat(receiver).containsPattern("relay_receiver_requests_total\\{[^}]*reason=\"forbidden\",status=\"403\"} [1-9]")
					.containsPattern("relay_receiver_requests_total\\{[^}]*reason=\"unauthenticated\",status=\"401\"} [1-9]")
					.containsPattern("relay_receiver_requests_total\\{[^}]*reason=\"stored\",status=\"204\"} [1-9]");
			});
			String own = prometheus.ownMetrics();
			assertThat(failedSamples(own, "basic")).isZero();
			assertThat(failedSamples(own, "bearer")).isZero();
			assertThat(Files.readString(dir.resolve("remote-receiver.log"))).doesNotContain(PASSWORD)
				.doesNotContain(TOKEN);
		}
	}

	@Test
	void withoutTlsOrWithoutACertificateFromTheTrustedCaNoRequestGetsIn() throws Exception {
		TestPki.Issued client = this.pki.issue("client");
		TestPki.Issued stranger = TestPki.create(dir.resolve("other"), "other-ca").issue("stranger");
		String https = "https://127.0.0.1:" + this.pipeline.receiver.httpPort() + "/api/v1/write";
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> post(HttpClient.newHttpClient(), https.replace("https:", "http:")));
		assertThatExceptionOfType(IOException.class).as("no client certificate")
			.isThrownBy(() -> post(client(this.pki.caCertificate(), null), https));
		assertThatExceptionOfType(IOException.class).as("a certificate from another CA")
			.isThrownBy(() -> post(client(this.pki.caCertificate(), stranger), https));
		// The trusted certificate gets as far as the credentials check, and the receiver is still serving.
		assertThat(post(client(this.pki.caCertificate(), client), https).statusCode()).isEqualTo(401);
		assertThat(this.pipeline.receiver.isHealthy()).isTrue();
	}

	private String queue(String name, TestPki.Issued certificate, String credentials) {
		return """
				  - name: %s
				    url: https://127.0.0.1:%d/api/v1/write
				    %s
				    tls_config: {ca_file: %s, cert_file: %s, key_file: %s}
				    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}
				""".formatted(name, this.pipeline.receiver.httpPort(), credentials, this.pki.caCertificate(),
				certificate.certificate(), certificate.privateKey());
	}

	/** Samples a queue gave up on: what Prometheus does on a 4xx. */
	private static double failedSamples(String metrics, String queue) {
		return metrics.lines()
			.filter(line -> line.startsWith("prometheus_remote_storage_samples_failed_total{")
					&& line.contains("remote_name=\"" + queue + "\""))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private static HttpClient client(Path ca, TestPki.Issued certificate) {
		PemSslStoreDetails keys = (certificate != null) ? PemSslStoreDetails
			.forCertificate("file:" + certificate.certificate())
			.withPrivateKey("file:" + certificate.privateKey()) : null;
		SSLContext context = SslBundle
			.of(new PemSslStoreBundle(keys, PemSslStoreDetails.forCertificate("file:" + ca)))
			.createSslContext();
		return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
	}

	private static HttpResponse<String> post(HttpClient client, String url) throws Exception {
		return client.send(HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/x-protobuf")
			.header("Content-Encoding", "snappy")
			.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] { 0 }))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
