package io.prometheusrelay.forwarder.fanout;

import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.forwarder.handoff.HandoffDelivery;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.transport.BatchHandler;
import io.prometheusrelay.transport.BatchOutcome;
import reactor.core.publisher.Mono;

/**
 * Takes each batch from upstream into the hand-off, which delivers it to every api-server, and
 * answers upstream as the hand-off decides: ACK once the batch is on the forwarder's disk and on
 * every api-server in sync (at least one). Api-servers that are not in sync get it later from the
 * hand-off, so an ACK holds for each replica, eventually, not only for the one that answered.
 */
public final class FanOutHandler implements BatchHandler {

	private final HandoffDelivery delivery;

	private final Map<String, Counter> outcomes;

	public FanOutHandler(HandoffDelivery delivery, RelayTargets targets, MeterRegistry registry) {
		this.delivery = delivery;
		this.outcomes = Map.of("ack", outcome(registry, "ack"), "nack", outcome(registry, "nack"), "nack_retryable",
				outcome(registry, "nack_retryable"));
		Gauge.builder("relay.forwarder.targets", targets, t -> t.all().size())
			.tag("state", "discovered")
			.description("Api-server targets, by state")
			.register(registry);
		Gauge.builder("relay.forwarder.targets", targets, t -> t.connected().size())
			.tag("state", "connected")
			.description("Api-server targets, by state")
			.register(registry);
		Gauge.builder("relay.forwarder.targets", delivery,
				d -> d.status().stream().filter(HandoffDelivery.ReplicaStatus::inSync).count())
			.tag("state", "in_sync")
			.description("Api-server targets, by state")
			.register(registry);
	}

	@Override
	public Mono<BatchOutcome> handle(byte[] writeRequest) {
		return this.delivery.submit(writeRequest).doOnNext(outcome -> this.outcomes.get(outcome.outcomeTag()).increment());
	}

	private static Counter outcome(MeterRegistry registry, String outcome) {
		return Counter.builder("relay.forwarder.batches")
			.tag("outcome", outcome)
			.description("Batches taken from upstream, by the answer given")
			.register(registry);
	}

}
