package io.prometheusrelay.rsocket.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The client's own meters, registered once when it starts. */
final class ClientMetrics {

	private final MeterRegistry registry;

	private final Counter attempts;

	private final Counter scrapes;

	ClientMetrics(MeterRegistry registry, PrometheusRSocketClient client) {
		this.registry = registry;
		this.attempts = Counter.builder("relay.rsocket.client.connection.attempts")
			.description("Attempts to connect to the Prometheus RSocket proxy")
			.register(registry);
		this.scrapes = Counter.builder("relay.rsocket.client.scrapes")
			.description("Scrapes the proxy pulled")
			.register(registry);
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

	void pushed(String outcome) {
		Counter.builder("relay.rsocket.client.pushes")
			.tag("outcome", outcome)
			.description("Last scrapes pushed before closing, by outcome")
			.register(this.registry)
			.increment();
	}

}
