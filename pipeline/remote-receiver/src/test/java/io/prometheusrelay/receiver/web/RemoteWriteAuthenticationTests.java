package io.prometheusrelay.receiver.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.receiver.ReceiverApplication;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Credentials as Prometheus's remote_write sends them: basic auth and bearer tokens, one of them
 * read from a file. Missing ones are answered 401 with a challenge, wrong ones 403, both counted and
 * neither relayed; the right ones are stored as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteWriteAuthenticationTests {

	private static final String USER = "prometheus";

	private static final String PASSWORD = "s3cret-password";

	private static final String TOKEN = "token-from-a-file";

	@TempDir
	static Path dir;

	private final List<byte[]> relayed = new CopyOnWriteArrayList<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private RelayServer forwarder;

	private ConfigurableApplicationContext receiver;

	private String url;

	@BeforeAll
	void start() throws Exception {
		this.forwarder = RelayServer.start(new RelayServerOptions("forwarder", "127.0.0.1", 0, 64 << 20, 64,
				Duration.ofSeconds(60), Duration.ofSeconds(5)), batch -> {
					this.relayed.add(batch);
					return Mono.just(BatchOutcome.ack());
				}, new SimpleMeterRegistry());
		Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
		this.receiver = ReceiverApplication.application()
			.run("--server.port=0", "--relay.receiver.auth.basic[0].username=" + USER,
					"--relay.receiver.auth.basic[0].password=" + PASSWORD,
					"--relay.receiver.auth.bearer[0].token-file=" + tokenFile,
					"--relay.receiver.auth.bearer[1].token=an-older-token",
					"--spring.cloud.discovery.client.simple.instances.forwarder[0].uri=http://127.0.0.1:"
							+ this.forwarder.port());
		this.url = "http://127.0.0.1:" + this.receiver.getEnvironment().getProperty("local.server.port")
				+ "/api/v1/write";
	}

	@AfterAll
	void stop() {
		this.receiver.close();
		this.forwarder.close();
	}

	@BeforeEach
	void reset() {
		this.relayed.clear();
	}

	@Test
	void aWriteWithoutCredentialsIsAnswered401WithAChallengeAndNotRelayed() throws Exception {
		double before = requests(401, "unauthenticated");
		HttpResponse<String> response = write(null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValue("Basic realm=\"remote-write\", Bearer realm=\"remote-write\"");
		assertThat(response.body()).isEqualTo("credentials required (Basic or Bearer)\n");
		// A scheme the receiver does not take is no credential either.
		assertThat(write("Digest username=\"prometheus\"").statusCode()).isEqualTo(401);
		assertThat(requests(401, "unauthenticated")).isEqualTo(before + 2);
		assertThat(this.relayed).isEmpty();
	}

	@Test
	void wrongCredentialsAreAnswered403AndNotRelayed() throws Exception {
		double before = requests(403, "forbidden");
		for (String authorization : List.of(basic(USER, "wrong"), basic("someone", PASSWORD), basic(USER, PASSWORD + "x"),
				"Basic not-base64!", "Bearer wrong-token")) {
			HttpResponse<String> response = write(authorization);
			assertThat(response.statusCode()).as(authorization).isEqualTo(403);
			assertThat(response.body()).isEqualTo("credentials not accepted\n").doesNotContain(PASSWORD);
		}
		assertThat(requests(403, "forbidden")).isEqualTo(before + 5);
		assertThat(this.relayed).isEmpty();
	}

	@Test
	void theRightBasicCredentialsOrAnyAcceptedTokenAreStored() throws Exception {
		assertThat(write(basic(USER, PASSWORD)).statusCode()).isEqualTo(204);
		assertThat(write("Bearer " + TOKEN).statusCode()).isEqualTo(204);
		assertThat(write("bearer an-older-token").statusCode()).isEqualTo(204);
		// White space between the scheme and the token is not part of the token.
		assertThat(write("Bearer   " + TOKEN).statusCode()).isEqualTo(204);
		assertThat(this.relayed).hasSize(4);
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void anIncompleteOrAmbiguousSecretStopsTheStartWithThePropertyNamedAndTheSecretUnsaid(CapturedOutput output) {
		assertThatThrownBy(() -> ReceiverApplication.application()
			.run("--server.port=0", "--relay.receiver.auth.basic[0].username=" + USER,
					"--relay.receiver.auth.basic[0].password=" + PASSWORD,
					"--relay.receiver.auth.basic[0].password-file=" + dir.resolve("password")))
			.hasStackTraceContaining("relay.receiver.auth.basic[0].password")
			.hasStackTraceContaining("Set exactly one of")
			.satisfies(failure -> assertThat(stackTrace(failure)).doesNotContain(PASSWORD));
		assertThatThrownBy(() -> ReceiverApplication.application()
			.run("--server.port=0", "--relay.receiver.auth.bearer[0].token-file=" + dir.resolve("absent")))
			.hasStackTraceContaining("relay.receiver.auth.bearer[0].token-file")
			.hasStackTraceContaining("Cannot be read");
		assertThat(output.getAll()).contains("relay.receiver.auth.basic[0].password").doesNotContain(PASSWORD);
	}

	private HttpResponse<String> write(String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.url))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/x-protobuf")
			.header("Content-Encoding", "snappy")
			.header("X-Prometheus-Remote-Write-Version", "0.1.0")
			.POST(HttpRequest.BodyPublishers.ofByteArray(RemoteWriteEndpointTestBase.snappy(RemoteWriteEndpointTestBase.valid())));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private double requests(int status, String reason) {
		var counter = this.receiver.getBean(MeterRegistry.class)
			.find("relay.receiver.requests")
			.tags("status", Integer.toString(status), "reason", reason)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static String stackTrace(Throwable failure) {
		java.io.StringWriter text = new java.io.StringWriter();
		failure.printStackTrace(new java.io.PrintWriter(text));
		return text.toString();
	}

}
