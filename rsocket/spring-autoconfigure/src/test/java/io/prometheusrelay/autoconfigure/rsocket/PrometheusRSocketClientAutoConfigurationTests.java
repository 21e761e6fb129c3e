package io.prometheusrelay.autoconfigure.rsocket;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.rsocket.client.PrometheusRSocketClient;
import io.prometheusrelay.harness.FreePorts;
import io.rsocket.transport.netty.client.TcpClientTransport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusRSocketClientAutoConfigurationTests {

	/** Nothing listens there: the client keeps retrying in the background, as against a proxy that is down. */
	private final int closedPort = FreePorts.next();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PrometheusRSocketClientAutoConfiguration.class))
		.withPropertyValues("management.metrics.export.prometheus.rsocket.timeout=200ms");

	private final ApplicationContextRunner withRegistry = this.runner.withBean(PrometheusMeterRegistry.class,
			() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));

	@Test
	void isRegisteredAsAnAutoConfiguration() throws Exception {
		try (InputStream imports = getClass().getResourceAsStream(
				"/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
			assertThat(new String(imports.readAllBytes(), StandardCharsets.UTF_8))
				.contains(PrometheusRSocketClientAutoConfiguration.class.getName());
		}
	}

	@Test
	void createsTheClientWhenARegistryExistsAndAHostIsSet() {
		this.withRegistry.withPropertyValues(host("127.0.0.1"), port(this.closedPort))
			.run(context -> assertThat(context).hasSingleBean(PrometheusRSocketClient.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.withRegistry.withPropertyValues(host("127.0.0.1"), "management.metrics.export.prometheus.rsocket.enabled=false")
			.run(context -> assertThat(context).doesNotHaveBean(PrometheusRSocketClient.class));
	}

	@Test
	void backsOffWithoutAPrometheusRegistry() {
		this.runner.withPropertyValues(host("127.0.0.1"))
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PrometheusRSocketClient.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnClient() {
		this.withRegistry.withPropertyValues(host("127.0.0.1"))
			.withBean("myClient", PrometheusRSocketClient.class,
					() -> PrometheusRSocketClient
						.build(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
								TcpClientTransport.create("127.0.0.1", this.closedPort))
						.connect(),
					definition -> definition.setDestroyMethodName("close"))
			.run(context -> assertThat(context).hasSingleBean(PrometheusRSocketClient.class).hasBean("myClient"));
	}

	@Test
	void explainsWhatToSetWhenTheHostIsMissing() {
		this.withRegistry.run(context -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			FailureAnalysis analysis = new ProxyHostMissingFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("management.metrics.export.prometheus.rsocket.host is not set");
			assertThat(analysis.getAction()).contains("management.metrics.export.prometheus.rsocket.host")
				.contains("enabled=false");
		});
	}

	@Test
	void bindsEveryProperty() {
		new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class)
			.withPropertyValues(host("proxy.example.com"), port(8081), "management.metrics.export.prometheus.rsocket.enabled=false",
					"management.metrics.export.prometheus.rsocket.transport=websocket",
					"management.metrics.export.prometheus.rsocket.websocket-path=/rsocket",
					"management.metrics.export.prometheus.rsocket.secure=true",
					"management.metrics.export.prometheus.rsocket.ssl-bundle=proxy",
					"management.metrics.export.prometheus.rsocket.max-retries=12",
					"management.metrics.export.prometheus.rsocket.first-backoff=2s",
					"management.metrics.export.prometheus.rsocket.max-backoff=3m",
					"management.metrics.export.prometheus.rsocket.timeout=750ms",
					"management.metrics.export.prometheus.rsocket.token=s3cret",
					"management.metrics.export.prometheus.rsocket.labels.instance=checkout-7",
					"management.metrics.export.prometheus.rsocket.labels.zone=eu-1")
			.run(context -> {
				PrometheusRSocketClientProperties properties = context.getBean(PrometheusRSocketClientProperties.class);
				assertThat(properties.isEnabled()).isFalse();
				assertThat(properties.getHost()).isEqualTo("proxy.example.com");
				assertThat(properties.getPort()).isEqualTo(8081);
				assertThat(properties.getTransport()).isEqualTo(PrometheusRSocketClientProperties.Transport.WEBSOCKET);
				assertThat(properties.getWebsocketPath()).isEqualTo("/rsocket");
				assertThat(properties.isSecure()).isTrue();
				assertThat(properties.getSslBundle()).isEqualTo("proxy");
				assertThat(properties.getMaxRetries()).isEqualTo(12);
				assertThat(properties.getFirstBackoff()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getMaxBackoff()).isEqualTo(Duration.ofMinutes(3));
				assertThat(properties.getTimeout()).isEqualTo(Duration.ofMillis(750));
				assertThat(properties.getToken()).isEqualTo("s3cret");
				assertThat(properties.getLabels()).containsExactly(Map.entry("instance", "checkout-7"), Map.entry("zone", "eu-1"));
			});
	}

	@Test
	void defaultsAreTheOriginalStartersPlusAShortTimeout() {
		PrometheusRSocketClientProperties properties = new PrometheusRSocketClientProperties();
		assertThat(properties.isEnabled()).isTrue();
		assertThat(properties.getPort()).isEqualTo(7001);
		assertThat(properties.getTransport()).isEqualTo(PrometheusRSocketClientProperties.Transport.TCP);
		assertThat(properties.getMaxRetries()).isEqualTo(Long.MAX_VALUE);
		assertThat(properties.getFirstBackoff()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getMaxBackoff()).isEqualTo(Duration.ofMinutes(10));
		assertThat(properties.getTimeout()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void identifiesTheApplicationByNameAndInstanceUnlessLabelsAreSet() {
		this.withRegistry.withPropertyValues(host("127.0.0.1"), port(this.closedPort), "spring.application.name=checkout")
			.run(context -> {
				Map<String, String> labels = PrometheusRSocketClientAutoConfiguration.identityLabels(
						context.getBean(PrometheusRSocketClientProperties.class), context.getEnvironment());
				assertThat(labels).containsEntry("application", "checkout");
				assertThat(labels.get("instance")).endsWith(":" + ProcessHandle.current().pid());
			});
	}

	private static String host(String host) {
		return "management.metrics.export.prometheus.rsocket.host=" + host;
	}

	private static String port(int port) {
		return "management.metrics.export.prometheus.rsocket.port=" + port;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(PrometheusRSocketClientProperties.class)
	static class PropertiesOnly {

	}

}
