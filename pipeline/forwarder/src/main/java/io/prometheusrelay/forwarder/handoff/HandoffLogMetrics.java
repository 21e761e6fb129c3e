package io.prometheusrelay.forwarder.handoff;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The hand-off log's meters, bound before the log opens (recovery counts its truncations), then the
 * gauges of the log once it is open ({@link #log}).
 */
public final class HandoffLogMetrics implements MeterBinder {

	private @Nullable MeterRegistry registry;

	Counter appended;

	Counter writeErrors;

	Counter droppedSegments;

	Counter truncations;

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
		this.fsync = Timer.builder("relay.forwarder.handoff.fsync")
			.description("Time to force a group of hand-off appends to disk")
			.publishPercentileHistogram()
			.register(registry);
	}

	/** The gauges of the open log. */
	public void log(HandoffLog log) {
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

	private MeterRegistry bound() {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			throw new IllegalStateException("The hand-off meters are not bound to a registry");
		}
		return registry;
	}

}
