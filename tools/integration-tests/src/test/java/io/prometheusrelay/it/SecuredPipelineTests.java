package io.prometheusrelay.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.prometheusrelay.grpcclient.GrpcClientCommand;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.TestPki;
import io.prometheusrelay.transport.RelayClient;
import io.prometheusrelay.transport.RelayClientOptions;
import io.prometheusrelay.transport.RelayUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline as a platform team secures it: mutual TLS on every hop, and credentials on the
 * receiver, written to by Debian's Prometheus with {@code tls_config} and {@code basic_auth} or
 * {@code authorization}. What Prometheus sends with the right credentials reaches both api-servers;
 * with a wrong password or none, it is refused (403, 401) and Prometheus counts the samples failed.
 * Clients without TLS, or without a certificate from the trusted CA, get nothing in: not a request
 * to the receiver, not a frame straight to an api-server's relay port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredPipelineTests {

	private static final String PASSWORD = "remote-write-password";

	private static final String TOKEN = "remote-write-token";

	private static final String GRPC_TOKEN = "read-token";

	@TempDir
	static Path dir;

	private TestPki pki;

	private Path passwordFile;

	private Path tokenFile;

	private Path grpcTokenFile;

	private Pipeline pipeline;

	@BeforeAll
	void startThePipeline() throws Exception {
		this.pki = TestPki.create(dir, "relay-ca");
		this.passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
		this.tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
		this.grpcTokenFile = Files.writeString(dir.resolve("grpc-token"), GRPC_TOKEN);
		// Every hop with mutual TLS, each service with a certificate of its own; the actuators on plain ports.
		List<String> receiver = new ArrayList<>(bundle("remote-receiver"));
		receiver.addAll(List.of("--server.ssl.bundle=relay", "--server.ssl.client-auth=need",
				"--management.server.port=" + FreePorts.next(), "--management.server.ssl.enabled=false",
				"--relay.receiver.auth.basic[0].username=prometheus",
				"--relay.receiver.auth.basic[0].password-file=" + this.passwordFile,
				"--relay.receiver.auth.bearer[0].token-file=" + this.tokenFile,
				"--relay.receiver.forwarders.client.ssl.bundle=relay"));
		List<String> forwarder = new ArrayList<>(bundle("forwarder"));
		forwarder.addAll(List.of("--relay.forwarder.relay.ssl.bundle=relay", "--relay.forwarder.relay.ssl.client-auth=need",
				"--relay.forwarder.targets.client.ssl.bundle=relay"));
		List<String> apiServer = new ArrayList<>(bundle("api-server"));
		apiServer.addAll(List.of("--relay.api-server.relay.ssl.bundle=relay",
				"--relay.api-server.relay.ssl.client-auth=need", "--relay.api-server.grpc.ssl.bundle=relay",
				"--relay.api-server.grpc.ssl.client-auth=need",
				"--relay.api-server.grpc.auth.bearer[0].token-file=" + this.grpcTokenFile));
		this.pipeline = new Pipeline(dir, Map.of("remote-receiver", receiver, "forwarder", forwarder, "api-server",
				apiServer));
		this.pipeline.start();
	}

	/** An SSL bundle named "relay": a certificate of the service's own, and the test CA to trust. */
	private List<String> bundle(String service) {
		return this.pki.bundleArguments("relay", this.pki.issue(service));
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
			String up = "up{instance=\"127.0.0.1:" + prometheus.port() + "\",job=\"prometheus\"}";
			await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
				// Each api-server on its own, over its TLS gRPC port with a token, by grpc-client.
				for (int grpcPort : this.pipeline.grpcPorts) {
					GrpcClientRun read = grpcClient(grpcPort, this.pki.issue("reader"), this.grpcTokenFile);
					assertThat(read.out()).as("api-server on %d: %s", grpcPort, read.err()).contains(up + " ");
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

			// Read back through HAProxy, TLS on both sides of it, by grpc-client with a certificate and a token.
			TestPki.Issued haproxyCertificate = this.pki.issue("haproxy");
			try (HaproxyServer haproxy = HaproxyServer.inFrontOf(this.pipeline.grpcPorts.get(0),
					this.pipeline.apiServers.get(0).httpPort(), this.pipeline.grpcPorts.get(1),
					this.pipeline.apiServers.get(1).httpPort(),
					Map.of("HAPROXY_TLS_PEM", haproxyCertificate.certificateAndKey().toString(), "HAPROXY_CLIENT_CA",
							this.pki.caCertificate().toString(), "API_SERVER_CA", this.pki.caCertificate().toString(),
							"API_SERVER_CLIENT_PEM", haproxyCertificate.certificateAndKey().toString()),
					dir)) {
				double[] callsBefore = { grpcCalls(0), grpcCalls(1) };
				for (int call = 0; call < 2; call++) {
					// Two calls: HAProxy's round robin sends one to each api-server, so each replica is read.
					GrpcClientRun read = grpcClient(haproxy.port(), this.pki.issue("grpc-client"), this.grpcTokenFile);
					assertThat(read.exitCode()).as(read.err()).isZero();
					assertThat(read.out()).containsPattern(
							"(?m)^up\\{instance=\"127\\.0\\.0\\.1:" + prometheus.port() + "\",job=\"prometheus\"} 1\\.0 \\d+$");
				}
				assertThat(grpcCalls(0)).as("calls api-server-1 answered").isEqualTo(callsBefore[0] + 1);
				assertThat(grpcCalls(1)).as("calls api-server-2 answered").isEqualTo(callsBefore[1] + 1);
			}
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
		// Straight to an api-server's relay port, past the receiver's checks: neither plain TCP nor TLS without
		// a trusted certificate gets a frame answered.
		int relayPort = this.pipeline.relayPorts.get(0);
		RelayClientOptions plain = new RelayClientOptions(1 << 20, 8, Duration.ofSeconds(2), Duration.ofSeconds(2),
				Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMillis(500));
		SslContext untrusted = SslContextBuilder.forClient()
			.trustManager(this.pki.caCertificate().toFile())
			.keyManager(stranger.certificate().toFile(), stranger.privateKey().toFile())
			.build();
		for (RelayClientOptions options : List.of(plain, withTls(plain, untrusted))) {
			try (RelayClient relay = new RelayClient("api-server-1", "127.0.0.1", relayPort, options,
					new SimpleMeterRegistry()).start()) {
				Thread.sleep(1000);
				assertThatExceptionOfType(RelayUnavailableException.class)
					.isThrownBy(() -> relay.send(new byte[] { 0x0a, 0 }).block(Duration.ofSeconds(10)));
			}
		}
		assertThat(this.pipeline.apiServers.get(0).isHealthy()).isTrue();
	}

	@Test
	void theGrpcApiRefusesCallsWithoutTheRightTokenOrCertificate() throws Exception {
		int grpcPort = this.pipeline.grpcPorts.get(0);
		TestPki.Issued client = this.pki.issue("reader");
		Path wrongToken = Files.writeString(dir.resolve("wrong-token"), "not-the-token");
		GrpcClientRun noToken = grpcClient(grpcPort, client, null);
		assertThat(noToken.exitCode()).isEqualTo(GrpcClientCommand.REFUSED);
		GrpcClientRun wrong = grpcClient(grpcPort, client, wrongToken);
		assertThat(wrong.exitCode()).isEqualTo(GrpcClientCommand.REFUSED);
		GrpcClientRun noCertificate = grpcClient(grpcPort, null, this.grpcTokenFile);
		assertThat(noCertificate.exitCode()).isEqualTo(GrpcClientCommand.UNREACHABLE);
		GrpcClientRun plain = run("--lb-addr=127.0.0.1:" + grpcPort, "--token-file=" + this.grpcTokenFile);
		assertThat(plain.exitCode()).isEqualTo(GrpcClientCommand.UNREACHABLE);
		assertThat(grpcClient(grpcPort, client, this.grpcTokenFile).exitCode()).isZero();
		String metrics = this.pipeline.apiServers.get(0).metrics();
		assertThat(metrics).containsPattern("relay_grpc_calls_rejected_total\\{[^}]*reason=\"unauthenticated\"} [1-9]")
			.containsPattern("relay_grpc_calls_rejected_total\\{[^}]*reason=\"permission_denied\"} [1-9]");
	}

	/** The read calls an api-server has started, by its own {@code relay_grpc_calls_total}. */
	private double grpcCalls(int apiServer) throws Exception {
		return this.pipeline.apiServers.get(apiServer)
			.metrics()
			.lines()
			.filter(line -> line.startsWith("relay_grpc_calls_total{"))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	/** What grpc-client printed and how it exited. */
	private record GrpcClientRun(int exitCode, String out, String err) {
	}

	/** grpc-client, in this JVM, reading {@code up} over TLS with {@code certificate} (none when null) and a token file. */
	private GrpcClientRun grpcClient(int port, TestPki.Issued certificate, Path tokenFile) {
		List<String> args = new ArrayList<>(List.of("--lb-addr=127.0.0.1:" + port, "--ca=" + this.pki.caCertificate(),
				"--deadline=10s"));
		if (certificate != null) {
			args.addAll(List.of("--cert=" + certificate.certificate(), "--key=" + certificate.privateKey()));
		}
		if (tokenFile != null) {
			args.add("--token-file=" + tokenFile);
		}
		return run(args.toArray(String[]::new));
	}

	private static GrpcClientRun run(String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(List.of("--metric=up", "--match=job=\"prometheus\""));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exitCode = GrpcClientCommand.run(all.toArray(String[]::new), Map.of(), new PrintStream(out, true),
				new PrintStream(err, true));
		return new GrpcClientRun(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private static RelayClientOptions withTls(RelayClientOptions options, SslContext tls) {
		return new RelayClientOptions(options.maxFrameBytes(), options.window(), options.ackTimeout(),
				options.connectTimeout(), options.heartbeatInterval(), options.minBackoff(), options.maxBackoff(), tls);
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
		return HttpClient.newBuilder()
			.sslContext(TestPki.sslContext(ca, certificate))
			.connectTimeout(Duration.ofSeconds(5))
			.build();
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
