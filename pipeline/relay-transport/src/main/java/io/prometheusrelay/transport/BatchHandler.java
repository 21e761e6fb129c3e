package io.prometheusrelay.transport;

import reactor.core.publisher.Mono;

/** What a relay server does with each batch it receives; the outcome becomes the ACK or NACK. */
@FunctionalInterface
public interface BatchHandler {

	/**
	 * Takes one batch, an encoded {@code prometheus.WriteRequest}.
	 * @return the outcome, once it is known; an error is answered as a retryable NACK
	 */
	Mono<BatchOutcome> handle(byte[] writeRequest);

}
