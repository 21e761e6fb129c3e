package io.prometheusrelay.receiver.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.receiver.ReceiverApplication;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Senders that hold the receiver's in-flight budget without sending much: the issue measured 24
 * connections dribbling chunked bodies at a byte a second turning a valid write away with 503, and a
 * tiny body whose snappy header declares 64 MiB allocating it outside the budget.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowAndGreedySendersTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private RelayServer forwarder;

	private ConfigurableApplicationContext receiver;

	private int port;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	void start() {
		this.forwarder = RelayServer.start(new RelayServerOptions("forwarder", "127.0.0.1", 0, 64 << 20, 64,
				Duration.ofSeconds(60), Duration.ofSeconds(5)), batch -> Mono.just(BatchOutcome.ack()),
				new SimpleMeterRegistry());
		// The default body and decoded limits (16 and 64 MiB), an in-flight budget of 32 MiB, and a body
		// timeout and an idle timeout short enough for a test.
		this.receiver = ReceiverApplication.application()
			.run("--server.port=0", "--relay.receiver.body-timeout=3s", "--relay.receiver.limits.max-in-flight-size=32MB",
					"--server.netty.idle-timeout=2s",
					"--spring.cloud.discovery.client.simple.instances.forwarder[0].uri=http://127.0.0.1:"
							+ this.forwarder.port());
		this.port = Integer.parseInt(this.receiver.getEnvironment().getProperty("local.server.port"));
	}

	@AfterAll
	void stop() {
		this.receiver.close();
		this.forwarder.close();
	}

	@Test
	void dribblingSendersHoldWhatTheySentNotTheBudgetAndAreCutOffAtTheBodyTimeout() throws Exception {
		ScheduledExecutorService dribble = Executors.newSingleThreadScheduledExecutor();
		this.closeables.add(dribble::shutdownNow);
		List<Socket> dribblers = new ArrayList<>();
		for (int i = 0; i < 24; i++) {
			Socket socket = this.closeables.add(new Socket("127.0.0.1", this.port));
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(("POST /api/v1/write HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					+ "Content-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n"
					+ "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			dribblers.add(socket);
		}
		dribble.scheduleAtFixedRate(() -> dribblers.forEach(SlowAndGreedySendersTests::sendOneByte), 0, 1,
				TimeUnit.SECONDS);
		Thread.sleep(1500);
		// Reserving 16 MiB up front for each, as chunked bodies were, two of them held the whole budget.
		assertThat(write(RemoteWriteEndpointTestBase.snappy(RemoteWriteEndpointTestBase.valid())).statusCode())
			.isEqualTo(204);
		String answer = readAnswer(dribblers.get(0));
		assertThat(answer).startsWith("HTTP/1.1 503").contains("Retry-After");
		assertThat(this.receiver.getBean(MeterRegistry.class)
			.get("relay.receiver.requests")
			.tags("status", "503", "reason", "body_timeout")
			.counter()
			.count()).isPositive();
	}

	@Test
	void aTinyBodyDeclaringMoreThanTheBudgetHoldsIsTurnedAwayBeforeDecodingAllocatesIt() throws Exception {
		// Five bytes whose snappy header declares 60 MiB: under the 64 MiB decoded limit, over the budget.
		byte[] declares60MiB = { (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x1E, 0 };
		HttpResponse<String> greedy = write(declares60MiB);
		assertThat(greedy.statusCode()).isEqualTo(503);
		assertThat(greedy.body()).startsWith("receiver busy");
		// Declaring 20 MiB fits: it is decoded (and found invalid), and its charge given back.
		byte[] declares20MiB = { (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x0A, 0 };
		assertThat(write(declares20MiB).statusCode()).isEqualTo(400);
		assertThat(write(RemoteWriteEndpointTestBase.snappy(RemoteWriteEndpointTestBase.valid())).statusCode()).isEqualTo(204);
	}

	@Test
	void aConnectionThatSendsNothingIsClosedAtTheIdleTimeout() throws Exception {
		Socket silent = this.closeables.add(new Socket("127.0.0.1", this.port));
		silent.setSoTimeout(10_000);
		long start = System.nanoTime();
		assertThat(silent.getInputStream().read()).as("closed by the receiver").isEqualTo(-1);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(8));
	}

	private HttpResponse<String> write(byte[] body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/v1/write"))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/x-protobuf")
			.header("Content-Encoding", "snappy")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void sendOneByte(Socket socket) {
		try {
			OutputStream out = socket.getOutputStream();
			out.write("1\r\nX\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
		}
		catch (IOException ex) {
			// answered and closed by the receiver: nothing more to send
		}
	}

	private static String readAnswer(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder answer = new StringBuilder();
		byte[] buffer = new byte[4096];
		int read;
		while (!answer.toString().contains("\r\n\r\n")) {
			read = in.read(buffer);
			if (read < 0) {
				break;
			}
			answer.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
		}
		return answer.toString();
	}

}
