package io.prometheusrelay.apiserver.intake;

import io.prometheusrelay.apiserver.store.SegmentStore;
import io.prometheusrelay.apiserver.store.StoreBusyException;
import io.prometheusrelay.transport.BatchHandler;
import io.prometheusrelay.transport.BatchOutcome;
import reactor.core.publisher.Mono;

/** ACKs a batch once the store holds it durably; NACKs (retryable) when the store cannot take it now. */
public final class StoreBatchHandler implements BatchHandler {

	private final SegmentStore store;

	public StoreBatchHandler(SegmentStore store) {
		this.store = store;
	}

	@Override
	public Mono<BatchOutcome> handle(byte[] writeRequest) {
		return Mono.fromFuture(() -> this.store.append(writeRequest))
			.thenReturn(BatchOutcome.ack())
			.onErrorResume(StoreBusyException.class, ex -> Mono.just(BatchOutcome.nack(ex.getMessage(), true)))
			.onErrorResume(java.io.IOException.class,
					ex -> Mono.just(BatchOutcome.nack("store write failed: " + ex.getMessage(), true)));
	}

}
