package io.prometheusrelay.rsocket.client;

import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The client's own meters. The client counts; binding exposes the counts, so the meters never hold
 * the client back and can be bound to any registry (the client binds them to the one it scrapes).
 */
final class ClientMetrics implements MeterBinder {

	private final PrometheusRSocketClient client;

	private final LongAdder attempts = new LongAdder();

	private final LongAdder scrapes = new LongAdder();

	private final LongAdder pushesOk = new LongAdder();

	private final LongAdder pushesFailed = new LongAdder();

	ClientMetrics(PrometheusRSocketClient client) {
		this.client = client;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("relay.rsocket.client.connection.attempts", this.attempts, LongAdder::sum)
			.description("Attempts to connect to the Prometheus RSocket proxy")
			.register(registry);
		FunctionCounter.builder("relay.rsocket.client.scrapes", this.scrapes, LongAdder::sum)
			.description("Scrapes the proxy pulled")
			.register(registry);
		push(registry, "ok", this.pushesOk);
		push(registry, "failed", this.pushesFailed);
		Gauge.builder("relay.rsocket.client.connected", this.client, c -> c.isConnected() ? 1 : 0)
			.description("1 while connected to the proxy")
			.register(registry);
	}

	private static void push(MeterRegistry registry, String outcome, LongAdder count) {
		FunctionCounter.builder("relay.rsocket.client.pushes", count, LongAdder::sum)
			.tag("outcome", outcome)
			.description("Last scrapes pushed before closing, by outcome")
			.register(registry);
	}

	void attempt() {
		this.attempts.increment();
	}

	void scraped() {
		this.scrapes.increment();
	}

	void pushed(boolean ok) {
		(ok ? this.pushesOk : this.pushesFailed).increment();
	}

}
