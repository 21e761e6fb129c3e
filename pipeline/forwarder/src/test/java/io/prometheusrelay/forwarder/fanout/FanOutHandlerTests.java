package io.prometheusrelay.forwarder.fanout;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.forwarder.handoff.HandoffDelivery;
import io.prometheusrelay.forwarder.handoff.HandoffOptions;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClientOptions;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.testsupport.SmallFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The forwarder's answer upstream, and what each replica ends up with: every acknowledged batch on
 * every replica, whether it was in sync, down, busy or new when the batch was acknowledged.
 */
class FanOutHandlerTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path handoffDir;

	private SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final SimpleDiscoveryProperties discovery = new SimpleDiscoveryProperties();

	private final List<InstanceProperties> instances = new CopyOnWriteArrayList<>();

	private RelayTargets targets;

	private HandoffDelivery delivery;

	private long maxBytes = 1 << 30;

	private long memoryBytes = 1 << 20;

	@Test
	void acksOnceEveryReplicaInSyncHasAckedAndEachGotTheBatch() {
		FakeApiServer first = apiServer();
		FakeApiServer second = apiServer();
		FanOutHandler handler = handler(2);
		assertThat(handler.handle(new byte[] { 7 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		assertThat(first.received()).containsExactly(List.of((byte) 7));
		assertThat(second.received()).containsExactly(List.of((byte) 7));
		assertThat(fsyncs()).as("a batch every replica has needs no fsync of the hand-off").isZero();
	}

	@Test
	void forcesTheHandoffToDiskBeforeAckingWhatAReplicaLacks() throws Exception {
		apiServer();
		FakeApiServer victim = apiServer();
		FanOutHandler handler = handler(2);
		victim.stop();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.targets.connected().size() == 1);
		send(handler, 0, 3);
		assertThat(fsyncs()).isPositive();
	}

	@Test
	void nacksRetryableWhenNoReplicaIsInSync() {
		this.instances.add(instance(FreePorts.next()));
		FanOutHandler handler = handler(0);
		BatchOutcome outcome = handler.handle(new byte[] { 1 }).block(Duration.ofSeconds(5));
		assertThat(outcome.acked()).isFalse();
		assertThat(outcome.retryable()).isTrue();
		assertThat(outcome.reason()).isEqualTo("no api-server in sync to relay to (1 known)");
	}

	@Test
	void aReplicaThatWasDownWhenBatchesWereAckedGetsThemAllWhenItReturns() throws Exception {
		this.memoryBytes = 16;
		FakeApiServer survivor = apiServer();
		FakeApiServer victim = apiServer();
		FanOutHandler handler = handler(2);
		send(handler, 0, 5);
		victim.stop();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.targets.connected().size() == 1);
		send(handler, 5, 30);
		await().atMost(Duration.ofSeconds(5)).until(() -> lagBatches(victim) == 25);
		victim.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> victim.received().size() >= 25);
		assertThat(survivor.received()).containsExactlyElementsOf(batches(0, 30));
		assertThat(victim.receivedBefore()).containsExactlyElementsOf(batches(0, 5));
		assertThat(victim.received()).containsExactlyInAnyOrderElementsOf(batches(5, 30));
		await().atMost(Duration.ofSeconds(5)).until(() -> lagBatches(victim) == 0);
		assertThat(this.registry.get("relay.forwarder.replica.replayed").tag("target", victim.name()).functionCounter().count())
			.as("batches read back from disk").isPositive();
	}

	@Test
	void aReplicaThatDoesNotAnswerStaysBehindWithoutHoldingUpstreamAndCatchesUpLater() {
		FakeApiServer healthy = apiServer();
		AtomicInteger silentFor = new AtomicInteger(3);
		FakeApiServer slow = apiServer(batch -> (silentFor.getAndDecrement() > 0) ? Mono.never()
				: Mono.just(BatchOutcome.ack()));
		FanOutHandler handler = handler(2);
		assertThat(handler.handle(new byte[] { 3 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		assertThat(healthy.received()).hasSize(1);
		await().atMost(Duration.ofSeconds(15)).until(() -> slow.acked().contains(List.of((byte) 3)));
	}

	@Test
	void acksWhenOneReplicaIsBusyAndDeliversToItOnceItTakesBatchesAgain() {
		FakeApiServer healthy = apiServer();
		AtomicInteger busyFor = new AtomicInteger(3);
		FakeApiServer busy = apiServer(batch -> Mono.just((busyFor.getAndDecrement() > 0)
				? BatchOutcome.nack("store queue full", true) : BatchOutcome.ack()));
		FanOutHandler handler = handler(2);
		assertThat(handler.handle(new byte[] { 1 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		assertThat(healthy.received()).hasSize(1);
		await().atMost(Duration.ofSeconds(5)).until(() -> busy.acked().contains(List.of((byte) 1)));
	}

	@Test
	void nacksForGoodWhenAReplicaRefusesTheBatchForGood() {
		apiServer();
		apiServer(batch -> Mono.just(BatchOutcome.nack("frame too large", false)));
		FanOutHandler handler = handler(2);
		BatchOutcome outcome = handler.handle(new byte[] { 1 }).block(Duration.ofSeconds(5));
		assertThat(outcome.acked()).isFalse();
		assertThat(outcome.retryable()).isFalse();
		assertThat(outcome.reason()).endsWith(": frame too large");
	}

	@Test
	void aReplicaFirstSeenLaterGetsEverythingTheLogHolds() {
		FakeApiServer first = apiServer();
		FanOutHandler handler = handler(1);
		send(handler, 0, 10);
		FakeApiServer late = apiServer();
		await().atMost(Duration.ofSeconds(10)).until(() -> late.received().size() == 10);
		assertThat(late.received()).containsExactlyInAnyOrderElementsOf(batches(0, 10));
		assertThat(first.received()).hasSize(10);
	}

	@Test
	void aNewEmptyReplicaReportsExactlyTheBatchesTheHandoffNoLongerHolds() {
		FakeApiServer first = apiServer();
		FanOutHandler handler = handler(1);
		for (int i = 0; i < 40; i++) {
			assertThat(handler.handle(new byte[100]).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		}
		// Every batch is on the only replica, so the log deletes the segments it has rolled.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.get("relay.forwarder.handoff.segments")
			.gauge()
			.value() <= 1);
		FakeApiServer added = apiServer();
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> lagBatches(added) == 0);
		assertThat(first.received()).hasSize(40);
		assertThat(missingBatches(added)).as("reported missing").isPositive();
		assertThat(added.received().size() + missingBatches(added)).as("received plus reported missing").isEqualTo(40);
	}

	@Test
	void aRestartedForwarderDeliversWhatItAckedToTheReplicaThatWasDown() throws Exception {
		FakeApiServer survivor = apiServer();
		FakeApiServer victim = apiServer();
		FanOutHandler handler = handler(2);
		victim.stop();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.targets.connected().size() == 1);
		send(handler, 0, 20);
		this.delivery.close();
		this.targets.close();

		this.registry = new SimpleMeterRegistry();
		victim.start();
		handler(2);
		await().atMost(Duration.ofSeconds(10)).until(() -> victim.received().size() >= 20);
		assertThat(victim.received()).containsExactlyInAnyOrderElementsOf(batches(0, 20));
		assertThat(survivor.received()).hasSize(20);
	}

	@Test
	void countsWhatAReplicaWillNeverGetWhenTheLogDropsItOverItsLimit() throws Exception {
		this.maxBytes = 4096;
		FakeApiServer survivor = apiServer();
		FakeApiServer victim = apiServer();
		FanOutHandler handler = handler(2);
		victim.stop();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.targets.connected().size() == 1);
		for (int i = 0; i < 40; i++) {
			assertThat(handler.handle(new byte[200]).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> missingBatches(victim) > 0);
		assertThat(survivor.received()).hasSize(40);
		victim.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> lagBatches(victim) == 0);
		assertThat(victim.received().size() + missingBatches(victim)).isEqualTo(40);
		HandoffDelivery.ReplicaStatus status = this.delivery.status()
			.stream()
			.filter(replica -> replica.name().equals(victim.name()))
			.findFirst()
			.orElseThrow();
		assertThat(status.missingBatches()).isEqualTo((long) missingBatches(victim));
	}

	@Test
	void aFullDiskNacksWhatTheHandoffCannotKeepLeaksNothingAndRecoversAndTheReplicaGetsWhatWasAcked()
			throws Exception {
		try (SmallFileSystem disk = SmallFileSystem.mount(this.handoffDir.resolve("small"), "256k")) {
			Path filler = disk.path().resolve("filler");
			Files.write(filler, new byte[64 * 1024]);
			this.handoffDir = disk.path().resolve("handoff");
			apiServer();
			FakeApiServer victim = apiServer();
			FanOutHandler handler = handler(2);
			victim.stop();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.targets.connected().size() == 1);
			// The victim lacks every batch from now on, so each must be on the hand-off's disk before its ACK.
			List<List<Byte>> acked = new ArrayList<>();
			BatchOutcome refused = null;
			for (int i = 0; refused == null && i < 200; i++) {
				byte[] batch = new byte[4096];
				batch[0] = (byte) i;
				BatchOutcome outcome = handler.handle(batch).block(Duration.ofSeconds(10));
				if (outcome.acked()) {
					acked.add(bytes(batch));
				}
				else {
					refused = outcome;
				}
			}
			assertThat(refused).as("the disk filled up").isNotNull();
			assertThat(acked).as("acknowledged before it did").hasSizeGreaterThan(10);
			assertThat(refused.retryable()).isTrue();
			assertThat(refused.reason()).contains("hand-off log");
			long descriptors = SmallFileSystem.openDescriptors();
			long segments = segmentFiles(this.handoffDir);
			for (int i = 0; i < 30; i++) {
				assertThat(handler.handle(new byte[4096]).block(Duration.ofSeconds(10)).acked()).isFalse();
			}
			assertThat(SmallFileSystem.openDescriptors()).isLessThanOrEqualTo(descriptors + 2);
			assertThat(segmentFiles(this.handoffDir)).isLessThanOrEqualTo(segments + 1);

			Files.delete(filler);
			byte[] afterSpaceReturned = new byte[4096];
			afterSpaceReturned[0] = 77;
			assertThat(handler.handle(afterSpaceReturned).block(Duration.ofSeconds(10))).isEqualTo(BatchOutcome.ack());
			acked.add(bytes(afterSpaceReturned));
			victim.start();
			await().atMost(Duration.ofSeconds(15)).until(() -> victim.acked().containsAll(acked));
			this.delivery.close();
		}
	}

	private static long segmentFiles(Path dir) throws java.io.IOException {
		try (var files = Files.list(dir)) {
			return files.filter(file -> file.toString().endsWith(".hlog")).count();
		}
	}

	private static List<Byte> bytes(byte[] batch) {
		List<Byte> bytes = new ArrayList<>();
		for (byte b : batch) {
			bytes.add(b);
		}
		return bytes;
	}

	private void send(FanOutHandler handler, int from, int to) {
		for (List<Byte> batch : batches(from, to)) {
			byte[] payload = new byte[batch.size()];
			for (int i = 0; i < payload.length; i++) {
				payload[i] = batch.get(i);
			}
			assertThat(handler.handle(payload).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		}
	}

	private static List<List<Byte>> batches(int from, int to) {
		List<List<Byte>> batches = new ArrayList<>();
		for (int i = from; i < to; i++) {
			batches.add(List.of((byte) i, (byte) (i >> 8)));
		}
		return batches;
	}

	private long fsyncs() {
		return this.registry.get("relay.forwarder.handoff.fsync").timer().count();
	}

	private double lagBatches(FakeApiServer server) {
		return this.registry.get("relay.forwarder.replica.lag.batches").tag("target", server.name()).gauge().value();
	}

	private int missingBatches(FakeApiServer server) {
		return (int) this.registry.get("relay.forwarder.replica.missing.batches")
			.tag("target", server.name())
			.gauge()
			.value();
	}

	private FakeApiServer apiServer() {
		return apiServer(batch -> Mono.just(BatchOutcome.ack()));
	}

	private FakeApiServer apiServer(Function<byte[], Mono<BatchOutcome>> behaviour) {
		FakeApiServer server = new FakeApiServer(FreePorts.next(), behaviour);
		this.closeables.add(server);
		server.start();
		this.instances.add(instance(server.port));
		return server;
	}

	private FanOutHandler handler(int expectedConnected) {
		this.discovery.getInstances().put("api-server", this.instances);
		RelayClientOptions options = new RelayClientOptions(1 << 20, 64, Duration.ofMillis(500), Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(200));
		this.targets = this.closeables.add(new RelayTargets("api-server", new SimpleDiscoveryClient(this.discovery),
				options, this.registry, Duration.ofMillis(200)));
		HandoffOptions handoff = new HandoffOptions(this.handoffDir, true, this.maxBytes, Duration.ofHours(1),
				Math.min(1024, this.maxBytes), Duration.ofMinutes(1), this.memoryBytes, Duration.ofSeconds(2), Duration.ofHours(1));
		try {
			this.delivery = this.closeables.add(HandoffDelivery.start(handoff, this.targets, 64, Clock.systemUTC(),
					this.registry));
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.targets.connected().size() == expectedConnected
				&& this.delivery.status().stream().filter(r -> r.state().equals("in-sync")).count() == expectedConnected);
		return new FanOutHandler(this.delivery, this.targets, this.registry);
	}

	private static InstanceProperties instance(int port) {
		InstanceProperties instance = new InstanceProperties();
		instance.setServiceId("api-server");
		instance.setUri(URI.create("http://127.0.0.1:" + port));
		return instance;
	}

	/** An api-server's relay port that can go away and come back on the same port, recording what it got. */
	private final class FakeApiServer implements AutoCloseable {

		final int port;

		private final Function<byte[], Mono<BatchOutcome>> behaviour;

		private final List<List<Byte>> received = new CopyOnWriteArrayList<>();

		private final List<List<Byte>> acked = new CopyOnWriteArrayList<>();

		private List<List<Byte>> receivedBefore = List.of();

		private RelayServer server;

		FakeApiServer(int port, Function<byte[], Mono<BatchOutcome>> behaviour) {
			this.port = port;
			this.behaviour = behaviour;
		}

		String name() {
			return "127.0.0.1:" + this.port;
		}

		void start() {
			this.server = RelayServer.start(new RelayServerOptions("api-server", "127.0.0.1", this.port, 1 << 20, 64,
					Duration.ofSeconds(30), Duration.ofSeconds(1)), batch -> {
						List<Byte> bytes = new ArrayList<>();
						for (byte b : batch) {
							bytes.add(b);
						}
						this.received.add(bytes);
						return this.behaviour.apply(batch).doOnNext(outcome -> {
							if (outcome.acked()) {
								this.acked.add(bytes);
							}
						});
					}, FanOutHandlerTests.this.registry);
		}

		/** Goes away; what it received so far is kept apart from what it receives once started again. */
		void stop() {
			this.server.close();
			this.server = null;
			this.receivedBefore = List.copyOf(this.received);
			this.received.clear();
			this.acked.clear();
		}

		List<List<Byte>> received() {
			return this.received;
		}

		List<List<Byte>> receivedBefore() {
			return this.receivedBefore;
		}

		List<List<Byte>> acked() {
			return this.acked;
		}

		@Override
		public void close() {
			if (this.server != null) {
				this.server.close();
			}
		}

	}

}
