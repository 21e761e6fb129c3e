package io.prometheusrelay.receiver.forwarding;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.transport.BatchHandler;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClientOptions;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
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

class ForwarderRelayTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@RegisterExtension
	final Closeables closeables = new Closeables();

	/** Discovery as the services use it by default: Spring Cloud's simple (static) instances. */
	private final SimpleDiscoveryProperties discovery = new SimpleDiscoveryProperties();

	private final List<InstanceProperties> forwarders = new CopyOnWriteArrayList<>();

	@Test
	void failsOverToTheNextForwarderWhenTheFirstDoesNotAnswer() {
		List<byte[]> first = new CopyOnWriteArrayList<>();
		forwarder(batch -> {
			first.add(batch);
			return Mono.never();
		});
		List<byte[]> second = new CopyOnWriteArrayList<>();
		forwarder(batch -> {
			second.add(batch);
			return Mono.just(BatchOutcome.ack());
		});
		ForwarderRelay relay = relay(2, Duration.ofMillis(300), Duration.ofSeconds(5));
		assertThat(relay.relay(new byte[] { 1 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		assertThat(first).as("tried first").hasSize(1);
		assertThat(second).hasSize(1);
	}

	@Test
	void failsOverWhenTheFirstForwarderIsDown() {
		RelayServer first = forwarder(batch -> Mono.just(BatchOutcome.ack()));
		List<byte[]> second = new CopyOnWriteArrayList<>();
		forwarder(batch -> {
			second.add(batch);
			return Mono.just(BatchOutcome.ack());
		});
		ForwarderRelay relay = relay(2, Duration.ofSeconds(5), Duration.ofSeconds(5));
		first.close();
		assertThat(relay.relay(new byte[] { 1 }).block(Duration.ofSeconds(5))).isEqualTo(BatchOutcome.ack());
		assertThat(second).hasSize(1);
	}

	@Test
	void answersWithTheForwardersNackWithoutTryingAnother() {
		forwarder(batch -> Mono.just(BatchOutcome.nack("no healthy api-server", true)));
		List<byte[]> second = new CopyOnWriteArrayList<>();
		forwarder(batch -> {
			second.add(batch);
			return Mono.just(BatchOutcome.ack());
		});
		ForwarderRelay relay = relay(2, Duration.ofSeconds(5), Duration.ofSeconds(5));
		BatchOutcome outcome = relay.relay(new byte[] { 1 }).block(Duration.ofSeconds(5));
		assertThat(outcome).isEqualTo(BatchOutcome.nack("no healthy api-server", true));
		assertThat(second).isEmpty();
	}

	@Test
	void nacksRetryableAtTheDeadline() {
		forwarder(batch -> Mono.never());
		ForwarderRelay relay = relay(1, Duration.ofSeconds(30), Duration.ofMillis(300));
		BatchOutcome outcome = relay.relay(new byte[] { 1 }).block(Duration.ofSeconds(5));
		assertThat(outcome.acked()).isFalse();
		assertThat(outcome.retryable()).isTrue();
		assertThat(outcome.reason()).isEqualTo("no answer from a forwarder within 300 ms");
	}

	@Test
	void nacksRetryableWhenNoForwarderIsConnected() {
		ForwarderRelay relay = relay(0, Duration.ofSeconds(5), Duration.ofSeconds(5));
		assertThat(relay.relay(new byte[] { 1 }).block(Duration.ofSeconds(5)))
			.isEqualTo(BatchOutcome.nack("no forwarder connected", true));
	}

	private RelayServer forwarder(BatchHandler handler) {
		RelayServer server = RelayServer.start(
				new RelayServerOptions("forwarder", "127.0.0.1", 0, 1 << 20, 64, Duration.ofSeconds(30), Duration.ofSeconds(5)), handler,
				this.registry);
		this.closeables.add(server);
		// Discovery order is preference order: the forwarder started first is listed, and tried, first.
		InstanceProperties instance = new InstanceProperties();
		instance.setServiceId("forwarder");
		instance.setUri(URI.create("http://127.0.0.1:" + server.port()));
		this.forwarders.add(instance);
		return server;
	}

	private ForwarderRelay relay(int expectedConnected, Duration ackTimeout, Duration deadline) {
		this.discovery.getInstances().put("forwarder", this.forwarders);
		DiscoveryClient discovery = new SimpleDiscoveryClient(this.discovery);
		RelayClientOptions options = new RelayClientOptions(1 << 20, 64, ackTimeout, Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(500));
		RelayTargets targets = new RelayTargets("forwarder", discovery, options, this.registry, Duration.ofSeconds(30));
		this.closeables.add(targets);
		await().atMost(Duration.ofSeconds(5)).until(() -> targets.connected().size() == expectedConnected);
		return new ForwarderRelay(targets, deadline);
	}

}
