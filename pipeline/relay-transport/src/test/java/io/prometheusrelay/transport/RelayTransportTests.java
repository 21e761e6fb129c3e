package io.prometheusrelay.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.testsupport.Closeables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RelayTransportTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void deliversTheBatchAndReturnsTheHandlersAck() {
		List<byte[]> received = new ArrayList<>();
		RelayServer server = server(0, batch -> {
			received.add(batch);
			return Mono.just(BatchOutcome.ack());
		});
		RelayClient client = connectedClient(server.port(), Duration.ofSeconds(5));
		assertThat(client.send(new byte[] { 1, 2, 3 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		assertThat(received).containsExactly(new byte[] { 1, 2, 3 });
	}

	@Test
	void returnsTheHandlersNackWithReasonAndRetryableFlag() {
		RelayServer server = server(0, batch -> Mono.just(BatchOutcome.nack("store closed", true)));
		RelayClient client = connectedClient(server.port(), Duration.ofSeconds(5));
		assertThat(client.send(new byte[] { 1 }).block(Duration.ofSeconds(5)))
			.isEqualTo(BatchOutcome.nack("store closed", true));
	}

	@Test
	void answersAHandlerFailureWithARetryableNack() {
		RelayServer server = server(0, batch -> Mono.error(new IllegalStateException("boom")));
		RelayClient client = connectedClient(server.port(), Duration.ofSeconds(5));
		BatchOutcome outcome = client.send(new byte[] { 1 }).block(Duration.ofSeconds(5));
		assertThat(outcome.acked()).isFalse();
		assertThat(outcome.retryable()).isTrue();
		assertThat(outcome.reason()).contains("IllegalStateException");
	}

	@Test
	void nacksAnOversizeBatchAndKeepsTheConnection() {
		RelayServer server = server(0, batch -> Mono.just(BatchOutcome.ack()));
		RelayClient client = connectedClient(server.port(), Duration.ofSeconds(5));
		BatchOutcome oversize = client.send(new byte[64 * 1024]).block(Duration.ofSeconds(5));
		assertThat(oversize.acked()).isFalse();
		assertThat(oversize.retryable()).isFalse();
		assertThat(oversize.reason()).contains("exceeds the limit");
		assertThat(client.send(new byte[] { 1 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		assertThat(this.registry.get("relay.server.frames.rejected").tag("reason", "oversize").functionCounter().count())
			.isEqualTo(1);
	}

	@Test
	void keepsManyBatchesInFlightOnOneConnection() {
		AtomicInteger handled = new AtomicInteger();
		RelayServer server = server(0,
				batch -> Mono.delay(Duration.ofMillis(200)).thenReturn(BatchOutcome.ack()).doOnNext(o -> handled.incrementAndGet()));
		RelayClient client = connectedClient(server.port(), Duration.ofSeconds(5));
		long start = System.nanoTime();
		List<BatchOutcome> outcomes = reactor.core.publisher.Flux.range(0, 50)
			.flatMap(i -> client.send(new byte[] { i.byteValue() }))
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(outcomes).hasSize(50).allMatch(BatchOutcome::acked);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(handled).hasValue(50);
	}

	@Test
	void failsFastWhenNotConnected() {
		RelayClient client = client(freePort(), Duration.ofSeconds(5));
		assertThat(client.send(new byte[] { 1 }).onErrorResume(RelayUnavailableException.class,
				ex -> Mono.just(BatchOutcome.nack(ex.reason().name(), true)))
			.block(Duration.ofSeconds(5))
			.reason()).isEqualTo("NOT_CONNECTED");
	}

	@Test
	void timesOutAnUnansweredBatchAndReconnects() {
		RelayServer server = server(0, batch -> Mono.never());
		RelayClient client = connectedClient(server.port(), Duration.ofMillis(300));
		RelayUnavailableException failure = client.send(new byte[] { 1 })
			.then(Mono.<RelayUnavailableException>empty())
			.onErrorResume(RelayUnavailableException.class, Mono::just)
			.block(Duration.ofSeconds(5));
		assertThat(failure.reason()).isEqualTo(RelayUnavailableException.Cause.TIMEOUT);
		assertThat(failure.isPeerFault()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(client::isConnected);
		assertThat(client.inFlight()).isZero();
	}

	@Test
	void failsInFlightBatchesWhenTheConnectionDropsThenReconnectsToARestartedServer() {
		int port = freePort();
		RelayServer first = RelayServer.start(options(port), batch -> Mono.never(), this.registry);
		RelayClient client = connectedClient(port, Duration.ofSeconds(30));
		Mono<BatchOutcome> inFlight = client.send(new byte[] { 1 }).cache();
		inFlight.subscribe(o -> {
		}, e -> {
		});
		await().until(() -> client.inFlight() == 1);
		first.close();
		assertThat(inFlight.map(BatchOutcome::reason)
			.onErrorResume(RelayUnavailableException.class, ex -> Mono.just(ex.reason().name()))
			.block(Duration.ofSeconds(5))).isEqualTo("CONNECTION_LOST");
		server(port, batch -> Mono.just(BatchOutcome.ack()));
		await().atMost(Duration.ofSeconds(10)).until(client::isConnected);
		assertThat(client.send(new byte[] { 2 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
	}

	@Test
	void drainsOnCloseAnsweringTheBatchesInProgressAndNackingNewOnesRetryable() throws Exception {
		reactor.core.publisher.Sinks.One<BatchOutcome> slow = reactor.core.publisher.Sinks.one();
		AtomicInteger handled = new AtomicInteger();
		RelayServer server = RelayServer.start(options(0), batch -> {
			handled.incrementAndGet();
			return (batch[0] == 1) ? slow.asMono() : Mono.just(BatchOutcome.ack());
		}, this.registry);
		RelayClient client = connectedClient(server.port(), Duration.ofSeconds(10));
		Mono<BatchOutcome> inProgress = client.send(new byte[] { 1 }).cache();
		inProgress.subscribe(o -> {
		}, e -> {
		});
		await().until(() -> handled.get() == 1);
		Thread closing = new Thread(server::close);
		closing.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> !isListening(server.port()));
		assertThat(client.send(new byte[] { 2 }).block(Duration.ofSeconds(5)))
			.isEqualTo(BatchOutcome.nack("shutting down", true));
		slow.tryEmitValue(BatchOutcome.ack());
		assertThat(inProgress.block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		closing.join(5000);
		assertThat(closing.isAlive()).isFalse();
		assertThat(handled).hasValue(1);
	}

	private static boolean isListening(int port) {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
			return true;
		}
		catch (java.io.IOException ex) {
			return false;
		}
	}

	private RelayServer server(int port, BatchHandler handler) {
		RelayServer server = RelayServer.start(options(port), handler, this.registry);
		this.closeables.add(server);
		return server;
	}

	private static RelayServerOptions options(int port) {
		return new RelayServerOptions("test", "127.0.0.1", port, 16 * 1024, 64, Duration.ofSeconds(30), Duration.ofSeconds(1));
	}

	private RelayClient client(int port, Duration ackTimeout) {
		RelayClientOptions options = new RelayClientOptions(16 * 1024, 64, ackTimeout, Duration.ofSeconds(2),
				Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(500));
		RelayClient client = new RelayClient("test-target", "127.0.0.1", port, options, this.registry).start();
		this.closeables.add(client);
		return client;
	}

	private RelayClient connectedClient(int port, Duration ackTimeout) {
		RelayClient client = client(port, ackTimeout);
		await().atMost(Duration.ofSeconds(5)).until(client::isConnected);
		return client;
	}

	private static int freePort() {
		return io.prometheusrelay.harness.FreePorts.next();
	}

}
