package io.prometheusrelay.forwarder.handoff;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The hand-off log's meters, bound before the log opens (recovery counts its truncations), and those
 * of the log and of each replica as they become known, in the registry bound to.
 */
final class HandoffMetrics implements MeterBinder {

	private @Nullable MeterRegistry registry;

	Counter appended;

	Counter writeErrors;

	Counter droppedSegments;

	Counter truncations;

	Counter refusedFull;

	Timer fsync;

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		this.appended = Counter.builder("relay.forwarder.handoff.batches")
			.description("Batches written to the hand-off log")
			.register(registry);
		this.writeErrors = Counter.builder("relay.forwarder.handoff.write.errors")
			.description("Groups of batches whose hand-off write or fsync failed (NACKed upstream)")
			.register(registry);
		this.droppedSegments = Counter.builder("relay.forwarder.handoff.dropped.segments")
			.description("Hand-off segments dropped by the size or age limit before every replica had them")
			.register(registry);
		this.truncations = Counter.builder("relay.forwarder.handoff.recovery.truncations")
			.description("Hand-off segments whose torn tail was cut off at start")
			.register(registry);
		this.refusedFull = Counter.builder("relay.forwarder.handoff.refused")
			.tag("reason", "full")
			.description("Batches NACKed because the hand-off log was at its limit with nothing it may drop")
			.register(registry);
		this.fsync = Timer.builder("relay.forwarder.handoff.fsync")
			.description("Time to force a group of hand-off appends to disk")
			.publishPercentileHistogram()
			.register(registry);
	}

	void log(HandoffLog log) {
		MeterRegistry registry = bound();
		Gauge.builder("relay.forwarder.handoff.size", log, HandoffLog::totalBytes)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes in the hand-off log's segment files")
			.register(registry);
		Gauge.builder("relay.forwarder.handoff.segments", log, HandoffLog::segmentCount)
			.description("Hand-off segment files")
			.register(registry);
		Gauge.builder("relay.forwarder.handoff.queue", log, HandoffLog::queued)
			.description("Batches waiting for the hand-off writer")
			.register(registry);
	}

	/** The meters of one replica, tagged with its target name; they stay while it is known. */
	void replica(Replica replica) {
		MeterRegistry registry = bound();
		String target = replica.name;
		Gauge.builder("relay.forwarder.replica.lag.batches", replica, r -> r.lagBatches)
			.tag("target", target)
			.description("Batches the replica has not acknowledged yet")
			.register(registry);
		Gauge.builder("relay.forwarder.replica.lag", replica, r -> r.lagBytes)
			.tag("target", target)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes of batches the replica has not acknowledged yet")
			.register(registry);
		Gauge.builder("relay.forwarder.replica.lag.seconds", replica, r -> r.lagSeconds)
			.tag("target", target)
			.description("Age of the oldest batch the replica has not acknowledged; 0 when it has all")
			.register(registry);
		Gauge.builder("relay.forwarder.replica.missing.batches", replica, r -> r.missingBatches)
			.tag("target", target)
			.description("Batches the replica will not get from the hand-off: dropped by its limits, or "
					+ "acknowledged before the replica was first seen")
			.register(registry);
		Gauge.builder("relay.forwarder.replica.in.sync", replica, r -> (r.state == Replica.ReplicaState.IN_SYNC) ? 1 : 0)
			.tag("target", target)
			.description("1 while the replica is connected and close enough to the head that batches wait for it")
			.register(registry);
		FunctionCounter.builder("relay.forwarder.replica.replayed", replica, r -> r.replayedBatches)
			.tag("target", target)
			.description("Batches sent to the replica from the hand-off log on disk")
			.register(registry);
	}

	void forget(Replica replica) {
		MeterRegistry registry = bound();
		registry.getMeters()
			.stream()
			.filter(meter -> meter.getId().getName().startsWith("relay.forwarder.replica."))
			.filter(meter -> replica.name.equals(meter.getId().getTag("target")))
			.forEach(registry::remove);
	}

	private MeterRegistry bound() {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			throw new IllegalStateException("The hand-off meters are not bound to a registry");
		}
		return registry;
	}

}
