package io.prometheusrelay.pipeline.discovery;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
import io.prometheusrelay.harness.FreePorts;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RelayTargetsHealthIndicatorTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void isUpWhileATargetIsConnectedAndNamesEveryTarget() {
		int deadPort = FreePorts.next();
		try (RelayServer server = RelayServer.start(
				new RelayServerOptions("api-server", "127.0.0.1", 0, 1 << 20, 8, Duration.ofSeconds(30), Duration.ofSeconds(5)),
				batch -> Mono.just(BatchOutcome.ack()), this.registry);
				RelayTargets targets = targets(server.port(), deadPort)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> targets.connected().size() == 1);
			Health health = new RelayTargetsHealthIndicator(targets).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("serviceId", "api-server")
				.containsEntry("127.0.0.1:" + server.port(), "connected")
				.containsEntry("127.0.0.1:" + deadPort, "not connected");
		}
	}

	@Test
	void isDownWhenNoTargetIsConnected() {
		try (RelayTargets targets = targets(FreePorts.next())) {
			assertThat(new RelayTargetsHealthIndicator(targets).health().getStatus()).isEqualTo(Status.DOWN);
		}
	}

	private RelayTargets targets(int... ports) {
		SimpleDiscoveryProperties discovery = new SimpleDiscoveryProperties();
		List<InstanceProperties> instances = new java.util.ArrayList<>();
		for (int port : ports) {
			InstanceProperties instance = new InstanceProperties();
			instance.setServiceId("api-server");
			instance.setUri(URI.create("http://127.0.0.1:" + port));
			instances.add(instance);
		}
		discovery.getInstances().put("api-server", instances);
		RelayTargetsProperties properties = RelayTargetsProperties.following("api-server");
		return properties.connect(new SimpleDiscoveryClient(discovery), this.registry, new DefaultSslBundleRegistry());
	}

}
