package io.prometheusrelay.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Meters of one relay client, tagged with its target: made by {@link #bindTo}, which the client
 * calls before it connects, and removed when it closes.
 */
final class RelayClientMetrics implements MeterBinder {

	private final String target;

	private final RelayClient client;

	private @Nullable MeterRegistry registry;

	private Timer ackLatency;

	private Counter acks;

	private Counter nacks;

	private final Map<RelayUnavailableException.Cause, Counter> failures = new ConcurrentHashMap<>();

	Counter reconnects;

	private Gauge connected;

	private Gauge inFlight;

	RelayClientMetrics(String target, RelayClient client) {
		this.target = target;
		this.client = client;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		String target = this.target;
		RelayClient client = this.client;
		this.registry = registry;
		this.ackLatency = Timer.builder("relay.client.ack.latency")
			.tag("target", target)
			.description("Time from sending a batch to its ACK or NACK")
			.register(registry);
		this.acks = Counter.builder("relay.client.batches")
			.tag("target", target)
			.tag("outcome", "ack")
			.description("Batches sent, by outcome")
			.register(registry);
		this.nacks = Counter.builder("relay.client.batches")
			.tag("target", target)
			.tag("outcome", "nack")
			.description("Batches sent, by outcome")
			.register(registry);
		for (RelayUnavailableException.Cause cause : RelayUnavailableException.Cause.values()) {
			this.failures.put(cause, Counter.builder("relay.client.batches")
				.tag("target", target)
				.tag("outcome", cause.tag())
				.description("Batches sent, by outcome")
				.register(registry));
		}
		this.reconnects = Counter.builder("relay.client.reconnects")
			.tag("target", target)
			.description("Connection attempts scheduled after a failure or a lost connection")
			.register(registry);
		this.connected = Gauge.builder("relay.client.connected", client, c -> c.isConnected() ? 1 : 0)
			.tag("target", target)
			.description("1 while connected to the target")
			.register(registry);
		this.inFlight = Gauge.builder("relay.client.batches.in.flight", client, RelayClient::inFlight)
			.tag("target", target)
			.description("Batches sent and not yet answered")
			.register(registry);
	}

	void recordOutcome(BatchOutcome outcome, long startNanos) {
		this.ackLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
		(outcome.acked() ? this.acks : this.nacks).increment();
	}

	void recordFailure(RelayUnavailableException failure) {
		this.failures.get(failure.reason()).increment();
	}

	void remove() {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			return;
		}
		registry.remove(this.ackLatency);
		registry.remove(this.acks);
		registry.remove(this.nacks);
		this.failures.values().forEach(registry::remove);
		registry.remove(this.reconnects);
		registry.remove(this.connected);
		registry.remove(this.inFlight);
	}

}
