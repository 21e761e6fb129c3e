package io.prometheusrelay.apiserver.intake;

import java.io.IOException;

import com.google.protobuf.InvalidProtocolBufferException;
import io.prometheusrelay.apiserver.wire.BatchIdentity;
import io.prometheusrelay.apiserver.wire.WriteRequestDecoder;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.transport.BatchHandler;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.tsdb.StoreBusyException;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.model.WriteBatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * ACKs a batch once the store holds it durably; NACKs (retryable) when the store cannot take it now,
 * and (not retryable) a batch that is not a remote-write request, which the receiver never relays.
 */
public final class StoreBatchHandler implements BatchHandler {

	private static final Logger logger = LoggerFactory.getLogger(StoreBatchHandler.class);

	private final Tsdb tsdb;

	public StoreBatchHandler(Tsdb tsdb) {
		this.tsdb = tsdb;
	}

	@Override
	public Mono<BatchOutcome> handle(byte[] writeRequest) {
		return handle(writeRequest, null);
	}

	/**
	 * Stores the batch under the digest its sender sent (the forwarder's, in a frame of version 2),
	 * or under its own digest when the sender sent none. The digest is not checked: the relay port's
	 * peers are trusted as they are trusted with the batches themselves (README, "Relay frames").
	 */
	@Override
	public Mono<BatchOutcome> handle(byte[] writeRequest, @Nullable BatchDigest digest) {
		WriteBatch batch;
		try {
			batch = (digest != null) ? WriteRequestDecoder.decode(writeRequest, BatchIdentity.of(digest))
					: WriteRequestDecoder.decode(writeRequest);
		}
		catch (InvalidProtocolBufferException | IllegalArgumentException ex) {
			logger.warn("Refused a relayed batch that is not a valid remote-write request: {}", ex.getMessage());
			return Mono.just(BatchOutcome.nack("not a valid remote-write request: " + ex.getMessage(), false));
		}
		return Mono.fromFuture(() -> this.tsdb.append(batch))
			.thenReturn(BatchOutcome.ack())
			.onErrorResume(StoreBusyException.class, ex -> Mono.just(BatchOutcome.nack(ex.getMessage(), true)))
			.onErrorResume(IOException.class,
					ex -> Mono.just(BatchOutcome.nack("store write failed: " + ex.getMessage(), true)));
	}

	/** Yes: the forwarder digests each batch once for every api-server. */
	@Override
	public boolean usesDigests() {
		return true;
	}

}
