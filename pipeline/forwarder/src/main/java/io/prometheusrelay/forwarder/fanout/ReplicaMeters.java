package io.prometheusrelay.forwarder.fanout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;

/**
 * The meters of delivery: batches refused for a full hand-off log, and each replica's, tagged with its
 * target name, registered as it becomes known and removed when it is forgotten.
 */
final class ReplicaMeters {

	private final MeterRegistry registry;

	final Counter refusedFull;

	ReplicaMeters(MeterRegistry registry) {
		this.registry = registry;
		this.refusedFull = Counter.builder("relay.forwarder.handoff.refused")
			.tag("reason", "full")
			.description("Batches NACKed because the hand-off log was at its limit with nothing it may drop")
			.register(registry);
	}

	/** The meters of one replica; they stay while it is known. */
	void replica(Replica replica) {
		String target = replica.name;
		Gauge.builder("relay.forwarder.replica.lag.batches", replica, r -> r.lagBatches)
			.tag("target", target)
			.description("Batches the replica has not acknowledged yet")
			.register(this.registry);
		Gauge.builder("relay.forwarder.replica.lag", replica, r -> r.lagBytes)
			.tag("target", target)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes of batches the replica has not acknowledged yet")
			.register(this.registry);
		Gauge.builder("relay.forwarder.replica.lag.seconds", replica, r -> r.lagSeconds)
			.tag("target", target)
			.description("Age of the oldest batch the replica has not acknowledged; 0 when it has all")
			.register(this.registry);
		Gauge.builder("relay.forwarder.replica.missing.batches", replica, r -> r.missingBatches)
			.tag("target", target)
			.description("Batches the replica will not get from the hand-off: dropped by its limits, or "
					+ "acknowledged before the replica was first seen")
			.register(this.registry);
		Gauge.builder("relay.forwarder.replica.in.sync", replica, r -> (r.state == Replica.ReplicaState.IN_SYNC) ? 1 : 0)
			.tag("target", target)
			.description("1 while the replica is connected and close enough to the head that batches wait for it")
			.register(this.registry);
		FunctionCounter.builder("relay.forwarder.replica.replayed", replica, r -> r.replayedBatches)
			.tag("target", target)
			.description("Batches sent to the replica from the hand-off log on disk")
			.register(this.registry);
	}

	void forget(Replica replica) {
		this.registry.getMeters()
			.stream()
			.filter(meter -> meter.getId().getName().startsWith("relay.forwarder.replica."))
			.filter(meter -> replica.name.equals(meter.getId().getTag("target")))
			.forEach(this.registry::remove);
	}

}
