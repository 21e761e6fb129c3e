package io.prometheusrelay.transport;

import io.prometheusrelay.protocol.frame.BatchDigest;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** What a relay server does with each batch it receives; the outcome becomes the ACK or NACK. */
@FunctionalInterface
public interface BatchHandler {

	/**
	 * Takes one batch, an encoded {@code prometheus.WriteRequest}.
	 * @return the outcome, once it is known; an error is answered as a retryable NACK
	 */
	Mono<BatchOutcome> handle(byte[] writeRequest);

	/**
	 * Takes one batch with the digest its sender sent, if the sender did (a frame of version 2); a
	 * handler that needs the digest uses it rather than digesting the batch again.
	 */
	default Mono<BatchOutcome> handle(byte[] writeRequest, @Nullable BatchDigest digest) {
		return handle(writeRequest);
	}

}
