package io.prometheusrelay.forwarder.fanout;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.transport.BatchHandler;
import io.prometheusrelay.transport.BatchOutcome;
import org.jspecify.annotations.Nullable;
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

	@Override
	public Mono<BatchOutcome> handle(byte[] writeRequest) {
		return handle(writeRequest, null);
	}

	/**
	 * Digests the batch here, once, unless its sender did: the api-servers then take the digest from
	 * the frame rather than each digesting the batch again. Here, on the relay server's event loop,
	 * rather than on the one delivery thread that every batch goes through.
	 */
	@Override
	public Mono<BatchOutcome> handle(byte[] writeRequest, @Nullable BatchDigest digest) {
		BatchDigest known = (digest != null) ? digest : BatchDigest.of(writeRequest);
		return this.delivery.submit(writeRequest, known).doOnNext(outcome -> this.metrics.answered(outcome.outcomeTag()));
	}

}
