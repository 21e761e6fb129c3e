package io.prometheusrelay.forwarder.handoff;

import java.util.concurrent.CompletableFuture;

/** A batch on its way to disk. */
final class HandoffAppend {

	final LoggedBatch batch;

	/** Completed once the batch is written to its segment (the page cache). */
	final CompletableFuture<Void> written = new CompletableFuture<>();

	/** Completed once the batch is forced to disk (with fsync off: once written). */
	final CompletableFuture<Void> durable = new CompletableFuture<>();

	HandoffAppend(LoggedBatch batch) {
		this.batch = batch;
	}

	void fail(Throwable failure) {
		this.written.completeExceptionally(failure);
		this.durable.completeExceptionally(failure);
	}

}
