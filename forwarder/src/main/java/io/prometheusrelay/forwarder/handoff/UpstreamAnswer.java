package io.prometheusrelay.forwarder.handoff;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.prometheusrelay.protocol.transport.BatchOutcome;
import org.jspecify.annotations.Nullable;

/**
 * The answer upstream gets for one batch: ACK once the batch is on the hand-off log's disk, at least
 * one replica acknowledged it, and every replica in sync when it arrived answered or failed. A
 * replica that failed gets the batch from the hand-off later; one that refused it for good (a
 * non-retryable NACK) makes the answer a non-retryable NACK, as it would have been without a
 * hand-off. Verdicts come from the delivery and writer threads, hence the lock.
 */
final class UpstreamAnswer {

	private final CompletableFuture<BatchOutcome> outcome = new CompletableFuture<>();

	private final Set<String> awaited = new HashSet<>();

	private boolean awaiting;

	private boolean written;

	private @Nullable String writeFailure;

	private int acks;

	private @Nullable String failure;

	private @Nullable String rejection;

	CompletableFuture<BatchOutcome> outcome() {
		return this.outcome;
	}

	/** The replicas whose answers count: those in sync when the batch arrived. */
	synchronized void await(Set<String> replicas) {
		this.awaited.addAll(replicas);
		this.awaiting = true;
		completeIfDecided();
	}

	synchronized void written(@Nullable Throwable failure) {
		this.written = true;
		if (failure != null) {
			this.writeFailure = failure.getMessage();
		}
		completeIfDecided();
	}

	synchronized void acked(String replica) {
		if (this.awaited.remove(replica)) {
			this.acks++;
			completeIfDecided();
		}
	}

	synchronized void failed(String replica, String reason) {
		if (this.awaited.remove(replica)) {
			this.failure = (this.failure != null) ? this.failure : replica + ": " + reason;
			completeIfDecided();
		}
	}

	synchronized void rejected(String replica, String reason) {
		if (this.awaited.remove(replica)) {
			this.rejection = replica + ": " + reason;
			completeIfDecided();
		}
	}

	/** Upstream cannot wait longer: answer with what has come. */
	synchronized BatchOutcome decideNow() {
		BatchOutcome decided = this.written ? decide()
				: BatchOutcome.nack("hand-off log write still in progress", true);
		this.outcome.complete(decided);
		return this.outcome.join();
	}

	/** Answered without being logged or sent. */
	synchronized void refuse(String reason) {
		this.outcome.complete(BatchOutcome.nack(reason, true));
	}

	private void completeIfDecided() {
		if (this.awaiting && this.written && this.awaited.isEmpty()) {
			this.outcome.complete(decide());
		}
	}

	private BatchOutcome decide() {
		if (this.writeFailure != null) {
			return BatchOutcome.nack("hand-off log write failed: " + this.writeFailure, true);
		}
		if (this.rejection != null) {
			return BatchOutcome.nack(this.rejection, false);
		}
		if (this.acks > 0) {
			return BatchOutcome.ack();
		}
		return BatchOutcome.nack((this.failure != null) ? this.failure : "no api-server acknowledged in time", true);
	}

}
