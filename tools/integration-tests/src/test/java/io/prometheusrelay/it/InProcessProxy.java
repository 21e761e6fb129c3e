package io.prometheusrelay.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.proxy.ProxyServerApplication;
import io.prometheusrelay.proxy.rsocket.RSocketServers;

import org.springframework.context.ConfigurableApplicationContext;

/** This project's proxy in the test's JVM, on free ports. */
final class InProcessProxy implements AutoCloseable {

	private static final HttpClient http = HttpClient.newHttpClient();

	private final ConfigurableApplicationContext context;

	InProcessProxy(String... settings) {
		this(0, settings);
	}

	/** A proxy whose RSocket TCP port is {@code rsocketPort} (0: any), with more {@code --name=value} settings. */
	InProcessProxy(int rsocketPort, String... settings) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--relay.proxy.tcp-port=" + rsocketPort,
				"--relay.proxy.websocket-port=0", "--relay.proxy.host=127.0.0.1",
				// This module's classpath has the pipeline's Consul discovery and the starter; the proxy's jar has neither.
				"--spring.cloud.consul.enabled=false", "--management.metrics.export.prometheus.rsocket.enabled=false"));
		args.addAll(List.of(settings));
		this.context = ProxyServerApplication.application().run(args.toArray(String[]::new));
	}

	int rsocketPort() {
		return this.context.getBean(RSocketServers.class).tcpPort();
	}

	int websocketPort() {
		return this.context.getBean(RSocketServers.class).websocketPort();
	}

	String httpPort() {
		return this.context.getEnvironment().getProperty("local.server.port");
	}

	/** {@code /metrics/connected}, as Prometheus scrapes it with a 10 s timeout. */
	String connected() throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/metrics/connected"))
			.header("X-Prometheus-Scrape-Timeout-Seconds", "10")
			.timeout(Duration.ofSeconds(30))
			.build(), HttpResponse.BodyHandlers.ofString()).body();
	}

	/** {@code /metrics/proxy}: the proxy's own meters. */
	String proxyMetrics() throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/metrics/proxy"))
			.timeout(Duration.ofSeconds(30))
			.build(), HttpResponse.BodyHandlers.ofString()).body();
	}

	@Override
	public void close() {
		this.context.close();
	}

}
