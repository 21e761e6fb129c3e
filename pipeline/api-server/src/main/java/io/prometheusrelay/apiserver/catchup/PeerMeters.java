package io.prometheusrelay.apiserver.catchup;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
		FunctionCounter.builder(PREFIX + "copied.batches", peer, status -> status.copiedBatches.get())
			.tag("peer", peer.address)
			.description("Batches whose samples were copied from this peer")
			.register(registry);
		FunctionCounter.builder(PREFIX + "copied.samples", peer, status -> status.copiedSamples.get())
			.tag("peer", peer.address)
			.description("Samples and histograms copied from this peer, in the lacking batches' time ranges")
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
