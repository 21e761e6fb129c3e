package io.prometheusrelay.it;

import java.time.Duration;
import java.util.function.Supplier;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.autoconfigure.rsocket.PrometheusRSocketClientAutoConfiguration;
import io.prometheusrelay.testsupport.Closeables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The starter's auto-configured client against this project's proxy. */
class StarterAgainstTheProxyTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void scrapesTheApplicationsOwnScrapeSupplierWhenItDefinesOne() throws Exception {
		InProcessProxy proxy = this.closeables.add(new InProcessProxy());
		Supplier<String> twoRegistries = () -> "# TYPE first_registry gauge\nfirst_registry 1\n"
				+ "# TYPE second_registry gauge\nsecond_registry 2\n";
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PrometheusRSocketClientAutoConfiguration.class))
			.withBean(PrometheusMeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
			.withBean("scrape", Supplier.class, () -> twoRegistries)
			.withPropertyValues("management.metrics.export.prometheus.rsocket.host=127.0.0.1",
					"management.metrics.export.prometheus.rsocket.port=" + proxy.rsocketPort(),
					"management.metrics.export.prometheus.rsocket.labels.instance=multi-registry")
			.run(context -> await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(proxy.connected())
				.contains("first_registry{instance=\"multi-registry\"} 1")
				.contains("second_registry{instance=\"multi-registry\"} 2")));
	}

}
