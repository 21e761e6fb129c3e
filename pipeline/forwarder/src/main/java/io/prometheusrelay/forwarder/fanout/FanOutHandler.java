package io.prometheusrelay.forwarder.fanout;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.protocol.frame.BatchDigest;
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

	private final FanOutMetrics metrics;

	public FanOutHandler(HandoffDelivery delivery, RelayTargets targets, MeterRegistry registry) {
		this.delivery = delivery;
		this.metrics = new FanOutMetrics(delivery, targets);
		this.metrics.bindTo(registry);
	}

	/**
	 * Digests the batch here, once for every replica: the api-servers take the digest from the frame
	 * rather than each digesting the batch again. The forwarder is the first hop that digests, so it
	 * takes no digest from upstream ({@link #usesDigests()} stays false); and it digests here, on the
	 * relay server's event loop, rather than on the one delivery thread every batch goes through.
	 */
	@Override
	public Mono<BatchOutcome> handle(byte[] writeRequest) {
		return this.delivery.submit(writeRequest, BatchDigest.of(writeRequest))
			.doOnNext(outcome -> this.metrics.answered(outcome.outcomeTag()));
	}

}
