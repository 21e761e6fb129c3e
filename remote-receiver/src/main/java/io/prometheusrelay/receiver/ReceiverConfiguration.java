package io.prometheusrelay.receiver;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.pipeline.discovery.RelayTargetsHealthIndicator;
import io.prometheusrelay.receiver.relay.ForwarderRelay;

import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The forwarders batches are relayed to. */
@Configuration(proxyBeanMethods = false)
class ReceiverConfiguration {

	@Bean(destroyMethod = "close")
	RelayTargets forwarderTargets(ReceiverProperties properties, DiscoveryClient discovery, MeterRegistry registry) {
		return properties.getForwarders().connect(discovery, registry);
	}

	@Bean
	RelayTargetsHealthIndicator forwardersHealthIndicator(RelayTargets forwarderTargets) {
		return new RelayTargetsHealthIndicator(forwarderTargets);
	}

	@Bean
	ForwarderRelay forwarderRelay(RelayTargets forwarderTargets, ReceiverProperties properties) {
		return new ForwarderRelay(forwarderTargets, properties.getAckDeadline());
	}

}
