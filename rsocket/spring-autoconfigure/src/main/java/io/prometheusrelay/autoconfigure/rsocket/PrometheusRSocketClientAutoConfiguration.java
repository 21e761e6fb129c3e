package io.prometheusrelay.autoconfigure.rsocket;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.rsocket.client.PrometheusRSocketClient;
import io.rsocket.transport.ClientTransport;
import reactor.util.retry.Retry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Connects the application's {@link PrometheusMeterRegistry} to the Prometheus RSocket proxy: the
 * proxy pulls its scrapes over that connection, the client reconnects with backoff when it is lost,
 * and at shutdown the last metrics are pushed, waiting at most the timeout for the proxy to take them.
 * Backs off when the user defines their own {@link PrometheusRSocketClient}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration")
@ConditionalOnClass({ PrometheusRSocketClient.class, PrometheusMeterRegistry.class })
@ConditionalOnBean(PrometheusMeterRegistry.class)
@ConditionalOnProperty(prefix = PrometheusRSocketClientProperties.PREFIX, name = "enabled", havingValue = "true",
		matchIfMissing = true)
@EnableConfigurationProperties(PrometheusRSocketClientProperties.class)
public final class PrometheusRSocketClientAutoConfiguration {

	/**
	 * The client, connecting in the background (the application starts whether the proxy is up or
	 * not). A unique {@code Supplier<String>} bean, if the application defines one, is the scrape (for
	 * several registries); otherwise the registry's.
	 */
	@Bean(destroyMethod = "pushAndCloseBlockingly")
	@ConditionalOnMissingBean
	PrometheusRSocketClient prometheusRSocketClient(PrometheusMeterRegistry registry,
			PrometheusRSocketClientProperties properties, ObjectProvider<Supplier<String>> scrape,
			ObjectProvider<SslBundles> sslBundles, Environment environment) {
		String host = properties.getHost();
		if (!StringUtils.hasText(host)) {
			throw new ProxyHostMissingException();
		}
		ClientTransport transport = ProxyTransports.create(properties, host, sslBundles.getIfAvailable());
		Supplier<String> customScrape = scrape.getIfUnique();
		PrometheusRSocketClient.Builder builder = (customScrape != null)
				? PrometheusRSocketClient.build(registry, customScrape, transport)
				: PrometheusRSocketClient.build(registry, transport);
		builder.retry(Retry.backoff(properties.getMaxRetries(), properties.getFirstBackoff())
			.maxBackoff(properties.getMaxBackoff())).timeout(properties.getTimeout());
		identityLabels(properties, environment).forEach(builder::identityLabel);
		if (StringUtils.hasText(properties.getToken())) {
			builder.token(properties.getToken());
		}
		return builder.connect();
	}

	/** The configured labels, or the application's name and an instance id. */
	static Map<String, String> identityLabels(PrometheusRSocketClientProperties properties, Environment environment) {
		if (!properties.getLabels().isEmpty()) {
			return properties.getLabels();
		}
		Map<String, String> labels = new LinkedHashMap<>();
		String application = environment.getProperty("spring.application.name");
		if (StringUtils.hasText(application)) {
			labels.put("application", application);
		}
		labels.put("instance", hostName() + ":" + ProcessHandle.current().pid());
		return labels;
	}

	private static String hostName() {
		String fromEnvironment = System.getenv("HOSTNAME");
		if (StringUtils.hasText(fromEnvironment)) {
			return fromEnvironment;
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
