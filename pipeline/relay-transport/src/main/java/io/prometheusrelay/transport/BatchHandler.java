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
	 * handler that {@link #usesDigests() uses digests} takes it rather than digesting the batch again.
	 */
	default Mono<BatchOutcome> handle(byte[] writeRequest, @Nullable BatchDigest digest) {
		return handle(writeRequest);
	}

	/**
	 * Whether this handler takes the digests its senders send, so that its relay server offers them
	 * frames of version 2. A digest is taken as sent, not checked against the batch: only a handler
	 * whose senders are trusted to digest (the api-server's, behind the forwarder) says yes.
	 */
	default boolean usesDigests() {
		return false;
	}

}
