package io.prometheusrelay.compat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.micrometer.prometheus.rsocket.PrometheusRSocketClient;
import io.rsocket.transport.netty.client.TcpClientTransport;
import reactor.util.retry.Retry;

/**
 * Applications using micrometer's published client exactly as its README shows.
 * Arguments: host port app-name mode [count], where mode is "serve" (stay connected until stdin
 * closes) or "push" (push the last metrics with pushAndCloseBlockingly() and exit). With a count,
 * that many applications (each its own registry and client) named app-name-0, app-name-1, ...
 */
public final class CompatClientApp {

	private CompatClientApp() {
	}

	public static void main(String[] args) throws Exception {
		String host = args[0];
		int port = Integer.parseInt(args[1]);
		String app = args[2];
		String mode = args[3];
		int count = (args.length > 4) ? Integer.parseInt(args[4]) : 1;
		List<PrometheusRSocketClient> clients = new ArrayList<>();
		List<Counter> counters = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String name = (count == 1) ? app : app + "-" + i;
			PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			Counter requests = Counter.builder("compat.requests")
				.description("Requests handled")
				.tag("app", name)
				.register(registry);
			requests.increment(7);
			counters.add(requests);
			Gauge.builder("compat.queue.depth", () -> 3).description("Jobs waiting").tag("app", name).register(registry);
			clients.add(PrometheusRSocketClient.build(registry, TcpClientTransport.create(host, port))
				.retry(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(200)))
				.connectBlockingly(Duration.ofSeconds(10)));
		}
		System.out.println("CONNECTED " + count);
		if (mode.equals("push")) {
			for (int i = 0; i < count; i++) {
				counters.get(i).increment(35);
				clients.get(i).pushAndCloseBlockingly();
			}
			System.out.println("PUSHED");
			System.exit(0);
		}
		while (System.in.read() != -1) {
			// stay connected until the test closes stdin
		}
		clients.forEach(PrometheusRSocketClient::close);
	}

}
