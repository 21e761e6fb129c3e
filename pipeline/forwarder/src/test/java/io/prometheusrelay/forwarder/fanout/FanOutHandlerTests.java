package io.prometheusrelay.forwarder.fanout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.harness.FreePorts;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The forwarder's answer upstream, and what each replica ends up with: every acknowledged batch on
 * every replica, whether it was in sync, down, busy or refusing when the batch was acknowledged.
 */
class FanOutHandlerTests extends FanOutTestBase {

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
	void sendsEachReplicaABatchWithItsDigest() {
		FakeApiServer first = apiServer();
		FakeApiServer second = apiServer();
		FanOutHandler handler = handler(2);
		send(handler, 0, 10);
		// The first batches may leave before a replica's offer to read digests arrives; the rest go with one.
		for (FakeApiServer replica : List.of(first, second)) {
			assertThat(replica.digests()).isNotEmpty()
				.allSatisfy((digest, batch) -> assertThat(digest).isEqualTo(BatchDigest.of(payload(batch))));
		}
	}

	@Test
	void digestsEveryBatchItselfWhateverDigestCameFromUpstream() {
		FakeApiServer replica = apiServer();
		FanOutHandler handler = handler(1);
		assertThat(handler.usesDigests()).isFalse();
		for (List<Byte> batch : batches(0, 10)) {
			assertThat(handler.handle(payload(batch), new BatchDigest(1, 2)).block(Duration.ofSeconds(5)))
				.isEqualTo(BatchOutcome.ack());
		}
		assertThat(replica.digests()).isNotEmpty()
			.allSatisfy((digest, batch) -> assertThat(digest).isEqualTo(BatchDigest.of(payload(batch))));
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

}
