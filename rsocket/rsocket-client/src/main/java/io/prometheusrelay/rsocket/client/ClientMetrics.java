package io.prometheusrelay.rsocket.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The client's own meters, registered once when it starts. */
final class ClientMetrics {

	private final Counter attempts;

	private final Counter scrapes;

	private final Counter pushesOk;

	private final Counter pushesFailed;

	ClientMetrics(MeterRegistry registry, PrometheusRSocketClient client) {
		this.attempts = Counter.builder("relay.rsocket.client.connection.attempts")
			.description("Attempts to connect to the Prometheus RSocket proxy")
			.register(registry);
		this.scrapes = Counter.builder("relay.rsocket.client.scrapes")
			.description("Scrapes the proxy pulled")
			.register(registry);
		this.pushesOk = push(registry, "ok");
		this.pushesFailed = push(registry, "failed");
		Gauge.builder("relay.rsocket.client.connected", client, c -> c.isConnected() ? 1 : 0)
			.description("1 while connected to the proxy")
			.register(registry);
	}

	void attempt() {
		this.attempts.increment();
	}

	void scraped() {
		this.scrapes.increment();
	}

	private static Counter push(MeterRegistry registry, String outcome) {
		return Counter.builder("relay.rsocket.client.pushes")
			.tag("outcome", outcome)
			.description("Last scrapes pushed before closing, by outcome")
			.register(registry);
	}

	void pushed(boolean ok) {
		(ok ? this.pushesOk : this.pushesFailed).increment();
	}

}
