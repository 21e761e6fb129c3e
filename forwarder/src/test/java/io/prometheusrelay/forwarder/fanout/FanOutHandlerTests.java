package io.prometheusrelay.forwarder.fanout;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.protocol.transport.BatchHandler;
import io.prometheusrelay.protocol.transport.BatchOutcome;
import io.prometheusrelay.protocol.transport.RelayClientOptions;
import io.prometheusrelay.protocol.transport.RelayServer;
import io.prometheusrelay.protocol.transport.RelayServerOptions;
import io.prometheusrelay.testsupport.FreePorts;
import io.prometheusrelay.testsupport.Closeables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FanOutHandlerTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@RegisterExtension
	final Closeables closeables = new Closeables();

	/** The targets of the handler under test. */
	private RelayTargets targets;

	/** Discovery as the services use it by default: Spring Cloud's simple (static) instances. */
	private final SimpleDiscoveryProperties discovery = new SimpleDiscoveryProperties();

	private final List<InstanceProperties> instances = new CopyOnWriteArrayList<>();

	@Test
	void acksOnceEveryTargetHasAckedAndEachGotTheBatch() {
		List<byte[]> first = new CopyOnWriteArrayList<>();
		List<byte[]> second = new CopyOnWriteArrayList<>();
		apiServer(recording(first));
		apiServer(recording(second));
		FanOutHandler handler = handler(2, Duration.ofSeconds(5));
		assertThat(handler.handle(new byte[] { 7 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		assertThat(first).containsExactly(new byte[] { 7 });
		assertThat(second).containsExactly(new byte[] { 7 });
	}

	@Test
	void nacksRetryableWhenNoTargetIsHealthy() {
		this.instances.add(instance(FreePorts.next()));
		FanOutHandler handler = handler(0, Duration.ofSeconds(5));
		BatchOutcome outcome = handler.handle(new byte[] { 1 }).block(Duration.ofSeconds(5));
		assertThat(outcome.acked()).isFalse();
		assertThat(outcome.retryable()).isTrue();
		assertThat(outcome.reason()).isEqualTo("no healthy api-server to relay to");
	}

	@Test
	void dropsATargetThatTimesOutAndAcksWithTheOthers() {
		List<byte[]> healthy = new CopyOnWriteArrayList<>();
		apiServer(recording(healthy));
		apiServer(batch -> Mono.never());
		FanOutHandler handler = handler(2, Duration.ofMillis(500));
		assertThat(handler.handle(new byte[] { 3 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		assertThat(healthy).hasSize(1);
		assertThat(this.registry.get("relay.forwarder.targets.dropped").counter().count()).isEqualTo(1);
	}

	@Test
	void nacksWhenAHealthyTargetNacksSoTheSenderRetries() {
		apiServer(recording(new CopyOnWriteArrayList<>()));
		apiServer(batch -> Mono.just(BatchOutcome.nack("store queue full", true)));
		FanOutHandler handler = handler(2, Duration.ofSeconds(5));
		BatchOutcome outcome = handler.handle(new byte[] { 1 }).block(Duration.ofSeconds(5));
		assertThat(outcome.acked()).isFalse();
		assertThat(outcome.retryable()).isTrue();
		assertThat(outcome.reason()).endsWith(": store queue full");
	}

	@Test
	void followsDiscoveryWhenATargetAppears() {
		List<byte[]> first = new CopyOnWriteArrayList<>();
		apiServer(recording(first));
		FanOutHandler handler = handler(1, Duration.ofSeconds(5));
		List<byte[]> late = new CopyOnWriteArrayList<>();
		apiServer(recording(late));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.targets.connected().size() == 2);
		assertThat(handler.handle(new byte[] { 9 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		assertThat(late).hasSize(1);
	}

	private static BatchHandler recording(List<byte[]> received) {
		return batch -> {
			received.add(batch);
			return Mono.just(BatchOutcome.ack());
		};
	}

	private void apiServer(BatchHandler handler) {
		RelayServer server = RelayServer.start(
				new RelayServerOptions("api-server", "127.0.0.1", 0, 1 << 20, 64, Duration.ofSeconds(30)), handler,
				this.registry);
		this.closeables.add(server);
		this.instances.add(instance(server.port()));
	}

	private FanOutHandler handler(int expectedConnected, Duration ackTimeout) {
		this.discovery.getInstances().put("api-server", this.instances);
		DiscoveryClient discovery = new SimpleDiscoveryClient(this.discovery);
		RelayClientOptions options = new RelayClientOptions(1 << 20, 64, ackTimeout, Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(500));
		RelayTargets targets = this.closeables
			.add(new RelayTargets("api-server", discovery, options, this.registry, Duration.ofMillis(200)));
		this.targets = targets;
		await().atMost(Duration.ofSeconds(5)).until(() -> targets.connected().size() == expectedConnected);
		return new FanOutHandler(targets, this.registry);
	}

	private static InstanceProperties instance(int port) {
		InstanceProperties instance = new InstanceProperties();
		instance.setServiceId("api-server");
		instance.setUri(URI.create("http://127.0.0.1:" + port));
		return instance;
	}

}
