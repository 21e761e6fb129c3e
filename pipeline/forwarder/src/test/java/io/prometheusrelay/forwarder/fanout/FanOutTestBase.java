package io.prometheusrelay.forwarder.fanout;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.forwarder.handoff.HandoffOptions;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClientOptions;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.harness.FreePorts;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the fan-out tests share: fake api-servers on loopback that go away and come back, found
 * through discovery, and a hand-off log in a temporary directory behind the handler.
 */
abstract class FanOutTestBase {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path handoffDir;

	SimpleMeterRegistry registry = new SimpleMeterRegistry();

	final SimpleDiscoveryProperties discovery = new SimpleDiscoveryProperties();

	final List<InstanceProperties> instances = new CopyOnWriteArrayList<>();

	RelayTargets targets;

	HandoffDelivery delivery;

	long maxBytes = 1 << 30;

	long memoryBytes = 1 << 20;

	static long segmentFiles(Path dir) throws java.io.IOException {
		try (var files = Files.list(dir)) {
			return files.filter(file -> file.toString().endsWith(".handoff")).count();
		}
	}

	static List<Byte> bytes(byte[] batch) {
		List<Byte> bytes = new ArrayList<>();
		for (byte b : batch) {
			bytes.add(b);
		}
		return bytes;
	}

	void send(FanOutHandler handler, int from, int to) {
		for (List<Byte> batch : batches(from, to)) {
			assertThat(handler.handle(payload(batch)).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		}
	}

	static byte[] payload(List<Byte> batch) {
		byte[] payload = new byte[batch.size()];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = batch.get(i);
		}
		return payload;
	}

	static List<List<Byte>> batches(int from, int to) {
		List<List<Byte>> batches = new ArrayList<>();
		for (int i = from; i < to; i++) {
			batches.add(List.of((byte) i, (byte) (i >> 8)));
		}
		return batches;
	}

	long fsyncs() {
		return this.registry.get("relay.forwarder.handoff.fsync").timer().count();
	}

	double lagBatches(FakeApiServer server) {
		return this.registry.get("relay.forwarder.replica.lag.batches").tag("target", server.name()).gauge().value();
	}

	int missingBatches(FakeApiServer server) {
		return (int) this.registry.get("relay.forwarder.replica.missing.batches")
			.tag("target", server.name())
			.gauge()
			.value();
	}

	FakeApiServer apiServer() {
		return apiServer(batch -> Mono.just(BatchOutcome.ack()));
	}

	FakeApiServer apiServer(Function<byte[], Mono<BatchOutcome>> behaviour) {
		FakeApiServer server = new FakeApiServer(FreePorts.next(), behaviour, this.registry);
		this.closeables.add(server);
		server.start();
		this.instances.add(instance(server.port));
		return server;
	}

	FanOutHandler handler(int expectedConnected) {
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

	static InstanceProperties instance(int port) {
		InstanceProperties instance = new InstanceProperties();
		instance.setServiceId("api-server");
		instance.setUri(URI.create("http://127.0.0.1:" + port));
		return instance;
	}

}
