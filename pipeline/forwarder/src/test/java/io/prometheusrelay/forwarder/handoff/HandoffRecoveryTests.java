package io.prometheusrelay.forwarder.handoff;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClientOptions;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
import io.prometheusrelay.testsupport.Closeables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a forwarder finds in its hand-off directory at start, and what it delivers from it. */
class HandoffRecoveryTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path dir;

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void deliversEveryBatchOnDiskAfterARestartSkippingWhatAFailedWriteLeftOutAndATornTail() throws Exception {
		// Batches 1-3, then (after a write of 4 and 5 failed) a new segment with 6 and 7, torn after 7.
		writeSegment(1, 3);
		Path second = writeSegment(6, 7);
		try (FileChannel channel = FileChannel.open(second, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
			channel.write(ByteBuffer.wrap(new byte[] { 0, 0, 1, 0, 9, 9 }));
		}
		List<Byte> received = new CopyOnWriteArrayList<>();
		RelayServer apiServer = this.closeables.add(RelayServer.start(
				new RelayServerOptions("api-server", "127.0.0.1", 0, 1 << 20, 64, Duration.ofSeconds(30),
						Duration.ofSeconds(1)),
				batch -> {
					received.add(batch[0]);
					return Mono.just(BatchOutcome.ack());
				}, this.registry));
		String name = "127.0.0.1:" + apiServer.port();
		Files.writeString(this.dir.resolve(ReplicaCursors.FILE), name + " 0 0 0 0 " + System.currentTimeMillis() + "\n");

		HandoffDelivery delivery = this.closeables.add(HandoffDelivery.start(options(), targets(apiServer.port()), 64,
				Clock.systemUTC(), this.registry));
		await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 5);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> delivery.status().stream().allMatch(replica -> replica.lagBatches() == 0));
		assertThat(received).containsExactly((byte) 1, (byte) 2, (byte) 3, (byte) 6, (byte) 7);
		assertThat(this.registry.get("relay.forwarder.handoff.recovery.truncations").counter().count())
			.as("torn tail cut off").isEqualTo(1);
		// Everything is on the only replica now: the log lets go of both segments.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.registry.get("relay.forwarder.handoff.segments").gauge().value() == 0);
	}

	private Path writeSegment(long first, long last) throws IOException {
		Path file = this.dir.resolve(HandoffLogFormat.fileName(first));
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			channel.write(ByteBuffer.wrap(HandoffLogFormat.HEADER));
			for (long sequence = first; sequence <= last; sequence++) {
				LoggedBatch batch = new LoggedBatch(sequence, System.currentTimeMillis(), sequence, new byte[] { (byte) sequence });
				channel.write(new ByteBuffer[] { HandoffLogFormat.recordHeader(batch), ByteBuffer.wrap(batch.payload()) });
			}
		}
		return file;
	}

	private HandoffOptions options() {
		return new HandoffOptions(this.dir, true, 1 << 30, Duration.ofHours(1), 1 << 20, Duration.ofMinutes(1), 1 << 20,
				Duration.ofSeconds(2), Duration.ofHours(1));
	}

	private RelayTargets targets(int port) {
		SimpleDiscoveryProperties discovery = new SimpleDiscoveryProperties();
		InstanceProperties instance = new InstanceProperties();
		instance.setServiceId("api-server");
		instance.setUri(URI.create("http://127.0.0.1:" + port));
		discovery.getInstances().put("api-server", List.of(instance));
		RelayClientOptions options = new RelayClientOptions(1 << 20, 64, Duration.ofSeconds(2), Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(200));
		return this.closeables.add(new RelayTargets("api-server", new SimpleDiscoveryClient(discovery), options,
				this.registry, Duration.ofMillis(200)));
	}

}
