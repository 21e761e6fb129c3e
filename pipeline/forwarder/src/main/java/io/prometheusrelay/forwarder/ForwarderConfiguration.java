package io.prometheusrelay.forwarder;

import java.io.IOException;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.forwarder.fanout.FanOutHandler;
import io.prometheusrelay.forwarder.fanout.HandoffDelivery;
import io.prometheusrelay.forwarder.fanout.ReplicasHealthIndicator;
import io.prometheusrelay.pipeline.discovery.RelayTargets;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hand-off that delivers to every api-server, and the handler that takes upstream batches into
 * it. The api-server targets (relay.forwarder.targets) and the relay server (relay.forwarder.relay)
 * are the pipeline's auto-configuration's, from {@link ForwarderProperties}. Closed in reverse: the
 * relay server drains first, then the hand-off saves its cursors, then the targets' connections close.
 */
@Configuration(proxyBeanMethods = false)
class ForwarderConfiguration {

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

	@Bean
	FanOutHandler fanOutHandler(HandoffDelivery handoffDelivery, RelayTargets apiServerTargets,
			MeterRegistry registry) {
		return new FanOutHandler(handoffDelivery, apiServerTargets, registry);
	}

}
