package io.prometheusrelay.pipeline.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.pipeline.discovery.NextHopSettings;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.pipeline.discovery.RelayTargetsHealthIndicator;
import io.prometheusrelay.pipeline.settings.RelayServerProperties;
import io.prometheusrelay.pipeline.settings.RelayServerSettings;
import io.prometheusrelay.pipeline.tls.ServerTlsProperties;
import io.prometheusrelay.transport.BatchHandler;
import io.prometheusrelay.transport.RelayServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The relay wiring every pipeline service shares. A service declares its settings (its properties
 * implement {@link NextHopSettings} and/or {@link RelayServerSettings}) and, if it takes batches,
 * its {@link BatchHandler}; this configures the rest. Each bean backs off when the service defines
 * its own.
 * <ul>
 * <li>with {@link NextHopSettings}: the {@link RelayTargets} (one connection per discovered instance
 * of the next hop) and their health, the {@code nextHop} component;</li>
 * <li>with {@link RelayServerSettings} and a {@link BatchHandler}: the {@link RelayServer}, which
 * drains before it closes; it depends on the handler, so it is closed before what the handler uses.</li>
 * </ul>
 * TLS, where the settings name an SSL bundle, comes from Spring Boot's {@link SslBundles}.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
public final class PipelineRelayAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(PipelineRelayAutoConfiguration.class);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(NextHopSettings.class)
	static class NextHopConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		RelayTargets relayTargets(NextHopSettings settings, DiscoveryClient discovery, MeterRegistry registry,
				ObjectProvider<SslBundles> bundles) {
			return settings.nextHop().connect(discovery, registry, bundles.getIfAvailable(DefaultSslBundleRegistry::new));
		}

		@Bean
		@ConditionalOnMissingBean(name = "nextHopHealthIndicator")
		RelayTargetsHealthIndicator nextHopHealthIndicator(RelayTargets relayTargets) {
			return new RelayTargetsHealthIndicator(relayTargets);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean({ RelayServerSettings.class, BatchHandler.class })
	static class RelayServerConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		RelayServer relayServer(RelayServerSettings settings, BatchHandler handler, MeterRegistry registry,
				ObjectProvider<SslBundles> bundles) {
			RelayServerProperties relay = settings.getRelay();
			if (relay.getSsl().getBundle() == null || relay.getSsl().getClientAuth() != ServerTlsProperties.ClientAuth.NEED) {
				// A frame sent straight to this port skips the receiver's checks: say who may send one.
				logger.warn("Relay server '{}' takes batches from anyone who can reach port {}: set relay.ssl.bundle "
						+ "and relay.ssl.client-auth=need under the service's prefix to require a trusted certificate",
						settings.relayServerName(), relay.getPort());
			}
			return RelayServer.start(relay.toOptions(settings.relayServerName(),
					bundles.getIfAvailable(DefaultSslBundleRegistry::new)), handler, registry);
		}

	}

}
