package io.prometheusrelay.compat;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.micrometer.prometheus.rsocket.PrometheusRSocketClient;
import io.rsocket.transport.netty.client.TcpClientTransport;
import reactor.util.retry.Retry;

/**
 * An application using micrometer's published client exactly as its README shows.
 * Arguments: host port app-name mode, where mode is "serve" (stay connected until stdin closes) or
 * "push" (push the last metrics with pushAndCloseBlockingly() and exit).
 */
public final class CompatClientApp {

	private CompatClientApp() {
	}

	public static void main(String[] args) throws Exception {
		String host = args[0];
		int port = Integer.parseInt(args[1]);
		String app = args[2];
		String mode = args[3];
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Counter requests = Counter.builder("compat.requests").description("Requests handled").tag("app", app).register(registry);
		requests.increment(7);
		PrometheusRSocketClient client = PrometheusRSocketClient
			.build(registry, TcpClientTransport.create(host, port))
			.retry(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(200)))
			.connectBlockingly(Duration.ofSeconds(10));
		System.out.println("CONNECTED");
		if (mode.equals("push")) {
			requests.increment(35);
			client.pushAndCloseBlockingly();
			System.out.println("PUSHED");
			System.exit(0);
		}
		while (System.in.read() != -1) {
			// stay connected until the test closes stdin
		}
		client.close();
	}

}
