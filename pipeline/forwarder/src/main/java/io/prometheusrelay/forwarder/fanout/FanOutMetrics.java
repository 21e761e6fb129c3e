package io.prometheusrelay.forwarder.fanout;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.prometheusrelay.pipeline.discovery.RelayTargets;

/** The forwarder's batches by the answer given upstream, and its api-server targets by state. */
final class FanOutMetrics implements MeterBinder {

	private final Map<String, LongAdder> outcomes = Map.of("ack", new LongAdder(), "nack", new LongAdder(),
			"nack_retryable", new LongAdder());

	private final HandoffDelivery delivery;

	private final RelayTargets targets;

	FanOutMetrics(HandoffDelivery delivery, RelayTargets targets) {
		this.delivery = delivery;
		this.targets = targets;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.outcomes.forEach((outcome, count) -> FunctionCounter.builder("relay.forwarder.batches", count, LongAdder::sum)
			.tag("outcome", outcome)
			.description("Batches taken from upstream, by the answer given")
			.register(registry));
		targets(registry, "discovered", this.targets, t -> t.all().size());
		targets(registry, "connected", this.targets, t -> t.connected().size());
		targets(registry, "in_sync", this.delivery,
				d -> d.status().stream().filter(HandoffDelivery.ReplicaStatus::inSync).count());
	}

	private static <T> void targets(MeterRegistry registry, String state, T source,
			ToDoubleFunction<T> count) {
		Gauge.builder("relay.forwarder.targets", source, count)
			.tag("state", state)
			.description("Api-server targets, by state")
			.register(registry);
	}

	void answered(String outcome) {
		this.outcomes.get(outcome).increment();
	}

}
