package io.prometheusrelay.receiver;

import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.receiver.forwarding.ForwarderRelay;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The relay to the forwarders. Their targets (relay.receiver.forwarders) are the pipeline's
 * auto-configuration's, from {@link ReceiverProperties} as the next hop.
 */
@Configuration(proxyBeanMethods = false)
class ReceiverConfiguration {

	@Bean
	ForwarderRelay forwarderRelay(RelayTargets forwarderTargets, ReceiverProperties properties) {
		return new ForwarderRelay(forwarderTargets, properties.getAckDeadline());
	}

}
