package io.prometheusrelay.forwarder;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.forwarder.fanout.FanOutHandler;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.pipeline.discovery.RelayTargetsHealthIndicator;
import io.prometheusrelay.protocol.transport.RelayServer;

import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The api-server targets, and the relay server whose batches are fanned out to them. */
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
	RelayServer relayServer(ForwarderProperties properties, RelayTargets targets, MeterRegistry registry) {
		return RelayServer.start(properties.getRelay().toOptions("forwarder"), new FanOutHandler(targets, registry),
				registry);
	}

}
