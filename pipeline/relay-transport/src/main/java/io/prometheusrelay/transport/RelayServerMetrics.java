package io.prometheusrelay.transport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of one relay server, tagged with its name. The server counts; binding exposes the counts,
 * every outcome and reason up front so that dashboards see 0, not nothing.
 */
final class RelayServerMetrics implements MeterBinder {

	private static final List<String> OUTCOMES = List.of("ack", "nack", "nack_retryable");

	private static final List<String> REJECTION_REASONS = List.of("oversize", "checksum", "protocol", "unexpected_frame",
			"tls_handshake");

	final AtomicInteger connections = new AtomicInteger();

	final AtomicInteger inFlight = new AtomicInteger();

	private final String name;

	private final Map<String, LongAdder> batches = counts(OUTCOMES);

	private final Map<String, LongAdder> rejections = counts(REJECTION_REASONS);

	RelayServerMetrics(String name) {
		this.name = name;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("relay.server.connections", this.connections, AtomicInteger::get)
			.tag("server", this.name)
			.description("Open relay connections from upstream hops")
			.register(registry);
		Gauge.builder("relay.server.batches.in.flight", this.inFlight, AtomicInteger::get)
			.tag("server", this.name)
			.description("Batches received and not yet answered")
			.register(registry);
		this.batches.forEach((outcome, count) -> FunctionCounter.builder("relay.server.batches", count, LongAdder::sum)
			.tag("server", this.name)
			.tag("outcome", outcome)
			.description("Batches answered, by outcome")
			.register(registry));
		this.rejections.forEach((reason, count) -> FunctionCounter
			.builder("relay.server.frames.rejected", count, LongAdder::sum)
			.tag("server", this.name)
			.tag("reason", reason)
			.description("Frames (and TLS handshakes) refused before reaching the handler")
			.register(registry));
	}

	LongAdder batches(BatchOutcome outcome) {
		return this.batches.get(outcome.outcomeTag());
	}

	LongAdder rejected(String reason) {
		return this.rejections.get(reason);
	}

	private static Map<String, LongAdder> counts(List<String> tags) {
		Map<String, LongAdder> counts = new LinkedHashMap<>();
		tags.forEach(tag -> counts.put(tag, new LongAdder()));
		return Map.copyOf(counts);
	}

}
