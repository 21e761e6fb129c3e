package io.prometheusrelay.forwarder.fanout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.testsupport.SmallFileSystem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the hand-off log brings each replica: replicas first seen later, a new empty one, the one
 * that was down when a restarted forwarder comes back, and what a log over its limit or on a full
 * disk can no longer bring, counted and answered honestly.
 */
class FanOutHandoffTests extends FanOutTestBase {

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

}
