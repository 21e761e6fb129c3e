package io.prometheusrelay.forwarder.handoff;

import java.util.concurrent.CompletableFuture;

/** A batch on its way to disk. */
public final class HandoffAppend {

	final LoggedBatch batch;

	/** Completed once the batch is written to its segment (the page cache). */
	final CompletableFuture<Void> written = new CompletableFuture<>();

	/** Completed once the batch is forced to disk (with fsync off: once written). */
	final CompletableFuture<Void> durable = new CompletableFuture<>();

	HandoffAppend(LoggedBatch batch) {
		this.batch = batch;
	}

	public LoggedBatch batch() {
		return this.batch;
	}

	/** Completed once the batch is written to its segment (the page cache). */
	public CompletableFuture<Void> written() {
		return this.written;
	}

	/** Completed once the batch is forced to disk (with fsync off: once written). */
	public CompletableFuture<Void> durable() {
		return this.durable;
	}

	void fail(Throwable failure) {
		this.written.completeExceptionally(failure);
		this.durable.completeExceptionally(failure);
	}

}
