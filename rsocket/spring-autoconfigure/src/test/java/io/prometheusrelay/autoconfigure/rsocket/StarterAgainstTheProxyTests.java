package io.prometheusrelay.autoconfigure.rsocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.proxy.ProxyServerApplication;
import io.prometheusrelay.proxy.rsocket.RSocketServers;
import io.prometheusrelay.testsupport.Closeables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The auto-configured client against a real proxy-server. */
class StarterAgainstTheProxyTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void scrapesTheApplicationsOwnScrapeSupplierWhenItDefinesOne() {
		ConfigurableApplicationContext proxy = ProxyServerApplication.application()
			.run("--server.port=0", "--relay.proxy.tcp-port=0", "--relay.proxy.websocket-port=0",
					"--relay.proxy.host=127.0.0.1",
					// The starter is on this test classpath too: the proxy is no application of its own.
					"--management.metrics.export.prometheus.rsocket.enabled=false");
		this.closeables.add(proxy::close);
		Supplier<String> twoRegistries = () -> "# TYPE first_registry gauge\nfirst_registry 1\n"
				+ "# TYPE second_registry gauge\nsecond_registry 2\n";
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PrometheusRSocketClientAutoConfiguration.class))
			.withBean(PrometheusMeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
			.withBean("scrape", Supplier.class, () -> twoRegistries)
			.withPropertyValues("management.metrics.export.prometheus.rsocket.host=127.0.0.1",
					"management.metrics.export.prometheus.rsocket.port=" + proxy.getBean(RSocketServers.class).tcpPort(),
					"management.metrics.export.prometheus.rsocket.labels.instance=multi-registry")
			.run(context -> await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(connected(proxy))
				.contains("first_registry{instance=\"multi-registry\"} 1")
				.contains("second_registry{instance=\"multi-registry\"} 2")));
	}

	private String connected(ConfigurableApplicationContext proxy) throws Exception {
		String url = "http://127.0.0.1:" + proxy.getEnvironment().getProperty("local.server.port") + "/metrics/connected";
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

}
