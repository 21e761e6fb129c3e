package io.prometheusrelay.pipeline.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.pipeline.discovery.NextHopSettings;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.pipeline.discovery.RelayTargetsHealthIndicator;
import io.prometheusrelay.pipeline.discovery.RelayTargetsProperties;
import io.prometheusrelay.pipeline.settings.RelayServerProperties;
import io.prometheusrelay.pipeline.settings.RelayServerSettings;
import io.prometheusrelay.transport.BatchHandler;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayServer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class PipelineRelayAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PipelineRelayAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(DiscoveryClient.class, () -> new SimpleDiscoveryClient(new SimpleDiscoveryProperties()));

	@Test
	void configuresNothingForAServiceWithoutRelaySettings() {
		this.runner.run(context -> assertThat(context).doesNotHaveBean(RelayTargets.class)
			.doesNotHaveBean(RelayServer.class));
	}

	@Test
	void followsTheNextHopOfAServiceThatSendsBatchesOn() {
		this.runner.withBean(NextHopSettings.class, () -> () -> RelayTargetsProperties.following("forwarder"))
			.run(context -> {
				assertThat(context).hasSingleBean(RelayTargets.class).hasBean("nextHopHealthIndicator");
				assertThat(context.getBean(RelayTargets.class).serviceId()).isEqualTo("forwarder");
				assertThat(context.getBean(RelayTargetsHealthIndicator.class).health().getDetails())
					.containsEntry("serviceId", "forwarder");
			});
	}

	@Test
	void backsOffFromTheServicesOwnTargets() {
		RelayTargets own = mock(RelayTargets.class);
		this.runner.withBean(NextHopSettings.class, () -> () -> RelayTargetsProperties.following("forwarder"))
			.withBean("ownTargets", RelayTargets.class, () -> own)
			.run(context -> assertThat(context.getBean(RelayTargets.class)).isSameAs(own));
	}

	@Test
	void listensWithTheRelayServerOfAServiceThatTakesBatches() {
		this.runner.withBean(RelayServerSettings.class, () -> serverSettings("api-server"))
			.withBean(BatchHandler.class, () -> batch -> Mono.just(BatchOutcome.ack()))
			.run(context -> {
				assertThat(context).hasSingleBean(RelayServer.class);
				assertThat(context.getBean(RelayServer.class).port()).isPositive();
			});
	}

	@Test
	void startsNoRelayServerWithoutABatchHandler() {
		this.runner.withBean(RelayServerSettings.class, () -> serverSettings("api-server"))
			.run(context -> assertThat(context).doesNotHaveBean(RelayServer.class));
	}

	private static RelayServerSettings serverSettings(String name) {
		RelayServerProperties relay = RelayServerProperties.listeningOn(0);
		relay.setHost("127.0.0.1");
		return new RelayServerSettings() {

			@Override
			public RelayServerProperties getRelay() {
				return relay;
			}

			@Override
			public String relayServerName() {
				return name;
			}

		};
	}

}
