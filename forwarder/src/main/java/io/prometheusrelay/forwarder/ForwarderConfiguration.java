package io.prometheusrelay.forwarder;

import java.io.IOException;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.forwarder.fanout.FanOutHandler;
import io.prometheusrelay.forwarder.handoff.HandoffDelivery;
import io.prometheusrelay.forwarder.handoff.ReplicasHealthIndicator;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.pipeline.discovery.RelayTargetsHealthIndicator;
import io.prometheusrelay.protocol.transport.RelayServer;

import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The api-server targets, the hand-off that delivers to them, and the relay server whose batches go
 * into it. Closed in reverse: the relay server drains first, then the hand-off saves its cursors,
 * then the targets' connections close.
 */
@Configuration(proxyBeanMethods = false)
class ForwarderConfiguration {

	@Bean(destroyMethod = "close")
	RelayTargets apiServerTargets(ForwarderProperties properties, DiscoveryClient discovery, MeterRegistry registry) {
		return properties.getTargets().connect(discovery, registry);
	}

	@Bean
	RelayTargetsHealthIndicator apiServersHealthIndicator(RelayTargets apiServerTargets) {
		return new RelayTargetsHealthIndicator(apiServerTargets);
	}

	@Bean(destroyMethod = "close")
	HandoffDelivery handoffDelivery(ForwarderProperties properties, RelayTargets apiServerTargets,
			MeterRegistry registry) throws IOException {
		return HandoffDelivery.start(properties.getHandoff().toOptions(), apiServerTargets,
				properties.getTargets().getClient().getWindow(), Clock.systemUTC(), registry);
	}

	@Bean
	ReplicasHealthIndicator replicasHealthIndicator(HandoffDelivery handoffDelivery) {
		return new ReplicasHealthIndicator(handoffDelivery);
	}

	@Bean(destroyMethod = "close")
	RelayServer relayServer(ForwarderProperties properties, HandoffDelivery handoffDelivery,
			RelayTargets apiServerTargets, MeterRegistry registry) {
		return RelayServer.start(properties.getRelay().toOptions("forwarder"),
				new FanOutHandler(handoffDelivery, apiServerTargets, registry), registry);
	}

}
