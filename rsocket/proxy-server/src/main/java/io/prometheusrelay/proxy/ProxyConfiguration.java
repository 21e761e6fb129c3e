package io.prometheusrelay.proxy;

import java.time.Clock;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.prometheusrelay.proxy.auth.Tokens;
import io.prometheusrelay.proxy.rsocket.ConnectionRegistry;
import io.prometheusrelay.proxy.rsocket.DyingPushExpiry;
import io.prometheusrelay.proxy.rsocket.ProxyAcceptor;
import io.prometheusrelay.proxy.rsocket.ProxyKeys;
import io.prometheusrelay.proxy.rsocket.ProxyMetrics;
import io.prometheusrelay.proxy.rsocket.RSocketServers;
import io.prometheusrelay.proxy.rsocket.RsaKeyRotation;
import io.prometheusrelay.proxy.scrape.ApplicationUp;
import io.prometheusrelay.proxy.scrape.ConnectedScraper;
import io.prometheusrelay.proxy.scrape.ScrapeAuthentication;
import io.prometheusrelay.proxy.scrape.ScrapeEndpoints;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Key material, connections, the RSocket servers, and the scrape endpoints. */
@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ProxyConfiguration.class);

	@Bean
	ProxyKeys proxyKeys(ProxyProperties properties) {
		return new ProxyKeys(properties.getRsaKeyBits());
	}

	@Bean(destroyMethod = "close")
	RsaKeyRotation rsaKeyRotation(ProxyProperties properties, ProxyKeys keys, ProxyMetrics metrics) {
		return new RsaKeyRotation(keys, metrics, properties.getRsaKeyRotation());
	}

	@Bean(destroyMethod = "close")
	ConnectionRegistry connectionRegistry(ProxyProperties properties) {
		return new ConnectionRegistry(properties.getMaxConnections(), properties.toDyingPushLimits(), Clock.systemUTC());
	}

	@Bean(destroyMethod = "close")
	DyingPushExpiry dyingPushExpiry(ConnectionRegistry connections, ProxyProperties properties) {
		return new DyingPushExpiry(connections, properties.getDyingPushTtl());
	}

	@Bean
	ProxyMetrics proxyMetrics(PrometheusMeterRegistry registry, ConnectionRegistry connections) {
		ProxyMetrics metrics = new ProxyMetrics(connections);
		metrics.bindTo(registry);
		return metrics;
	}

	@Bean
	ProxyAcceptor proxyAcceptor(ProxyProperties properties, ConnectionRegistry connections, ProxyKeys keys,
			ProxyMetrics metrics) {
		return new ProxyAcceptor(connections, keys, metrics, properties.getIdentityLabel(),
				Math.toIntExact(properties.getMaxScrapeSize().toBytes()), properties.getTokens(),
				properties.isAllowLegacyScheme(), properties.isAllowPlaintext());
	}

	@Bean(destroyMethod = "close")
	RSocketServers rsocketServers(ProxyProperties properties, ProxyAcceptor acceptor, ObjectProvider<SslBundles> sslBundles) {
		// RSocket's reassembly limit may not be below its 16 MiB frame length; the scrape-size limit itself
		// is enforced on the decrypted scrape, before it is decompressed.
		int maxPayload = Math.toIntExact(Math.max(16L << 20, properties.getMaxScrapeSize().toBytes() + 1024));
		String bundle = properties.getTls().getBundle();
		SslContext tls = (bundle != null)
				? ProxyTls.serverContext(sslBundles.getObject().getBundle(bundle), properties.getTls().getClientAuth())
				: null;
		return new RSocketServers(properties.getHost(), properties.getTcpPort(), properties.getWebsocketPort(), acceptor,
				maxPayload, tls);
	}

	@Bean
	ScrapeEndpoints scrapeEndpoints(ProxyProperties properties, ConnectionRegistry connections, ProxyAcceptor acceptor,
			ProxyMetrics metrics, PrometheusMeterRegistry registry) {
		ConnectedScraper scraper = new ConnectedScraper(connections, acceptor, metrics, properties.getMaxSeriesPerClient(),
				properties.isHonorApplicationLabels());
		// A family of its own labels per application, which Micrometer's meters (one tag set per name) cannot be.
		registry.getPrometheusRegistry().register(new ApplicationUp(connections));
		return new ScrapeEndpoints(scraper, registry, metrics, properties.toScrapeLimits());
	}

	@Bean
	RouterFunction<ServerResponse> scrapeRoutes(ScrapeEndpoints endpoints, ProxyProperties properties,
			ProxyMetrics metrics) {
		Tokens tokens = new Tokens(properties.getScrapeTokens());
		if (tokens.isEmpty()) {
			logger.warn("No scrape tokens are configured (relay.proxy.scrape-tokens): anyone who can reach the HTTP "
					+ "port may scrape /metrics/connected, and take a departed application's last push");
		}
		return RouterFunctions.route()
			.GET("/metrics/connected", endpoints::connected)
			.GET("/metrics/proxy", endpoints::proxy)
			.filter(new ScrapeAuthentication(tokens, metrics))
			.build();
	}

}
