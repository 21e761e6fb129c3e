package io.prometheusrelay.apiserver.catchup;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The meters of one peer, tagged {@code peer}: bound when it is first discovered, removed when it is gone. */
final class PeerMeters implements MeterBinder {

	private static final String PREFIX = "relay.catchup.";

	private final PeerStatus peer;

	PeerMeters(PeerStatus peer) {
		this.peer = peer;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		PeerStatus peer = this.peer;
		Gauge.builder(PREFIX + "lacking.batches", peer, status -> status.lackingBatches.get())
			.tag("peer", peer.address)
			.description("Batches this peer holds that this replica lacks, as of the last comparison, less those copied since")
			.register(registry);
		Gauge.builder(PREFIX + "lacking", peer, status -> status.lackingBytes.get())
			.tag("peer", peer.address)
			.baseUnit(BaseUnits.BYTES)
			.description("Payload bytes of the batches this replica lacks from this peer")
			.register(registry);
		FunctionCounter.builder(PREFIX + "copied.batches", peer, status -> status.copiedBatches.get())
			.tag("peer", peer.address)
			.description("Batches copied from this peer")
			.register(registry);
		FunctionCounter.builder(PREFIX + "copied", peer, status -> status.copiedBytes.get())
			.tag("peer", peer.address)
			.baseUnit(BaseUnits.BYTES)
			.description("Payload bytes copied from this peer")
			.register(registry);
		FunctionCounter.builder(PREFIX + "failures", peer, status -> status.failures.get())
			.tag("peer", peer.address)
			.description("Comparisons or copies from this peer that failed (unreachable, refused, store busy)")
			.register(registry);
	}

	/** Removes the meters of the peer at {@code address} from {@code registry}. */
	static void remove(MeterRegistry registry, String address) {
		registry.getMeters()
			.stream()
			.filter(meter -> meter.getId().getName().startsWith(PREFIX) && address.equals(meter.getId().getTag("peer")))
			.forEach(registry::remove);
	}

}
