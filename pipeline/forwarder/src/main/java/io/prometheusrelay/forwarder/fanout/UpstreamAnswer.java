package io.prometheusrelay.forwarder.fanout;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.prometheusrelay.transport.BatchOutcome;
import org.jspecify.annotations.Nullable;

/**
 * The answer upstream gets for one batch: ACK once every replica in sync when it arrived answered or
 * failed, at least one acknowledged it, and the batch is safe for the others: on the hand-off log's
 * disk, or on every known replica already (then the log's fsync is not waited for, which keeps it
 * off the latency of the common case). A replica that failed gets the batch from the hand-off
 * later; one that refused it for good (a non-retryable NACK) makes the answer a non-retryable NACK,
 * as it would have been without a hand-off. Verdicts come from the delivery and writer threads,
 * hence the lock.
 */
final class UpstreamAnswer {

	private final CompletableFuture<BatchOutcome> outcome = new CompletableFuture<>();

	private final Set<String> awaited = new HashSet<>();

	private boolean awaiting;

	/** Replicas known when the batch arrived: when all of them acknowledged it, the log need not be waited for. */
	private int known;

	private boolean durable;

	private @Nullable String durabilityFailure;

	private Runnable requestDurability = () -> {
	};

	private boolean durabilityRequested;

	private int acks;

	private @Nullable String failure;

	private @Nullable String rejection;

	CompletableFuture<BatchOutcome> outcome() {
		return this.outcome;
	}

	/**
	 * The replicas whose answers count: those in sync when the batch arrived, of {@code known} in all.
	 * {@code requestDurability} asks the log to force the batch to disk, once it is clear that the
	 * answer needs it.
	 */
	synchronized void await(Set<String> replicas, int known, Runnable requestDurability) {
		this.awaited.addAll(replicas);
		this.known = known;
		this.requestDurability = requestDurability;
		this.awaiting = true;
		if (replicas.size() < known) {
			// A replica is behind: it will get this batch from the log, so the log must keep it.
			needDurability();
		}
		completeIfDecided();
	}

	/** The log has the batch on disk, or failed to put it there. */
	synchronized void durable(@Nullable Throwable failure) {
		this.durable = true;
		if (failure != null) {
			this.durabilityFailure = failure.getMessage();
		}
		completeIfDecided();
	}

	private void needDurability() {
		if (!this.durabilityRequested) {
			this.durabilityRequested = true;
			this.requestDurability.run();
		}
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
			needDurability();
			completeIfDecided();
		}
	}

	synchronized void rejected(String replica, String reason) {
		if (this.awaited.remove(replica)) {
			this.rejection = replica + ": " + reason;
			needDurability();
			completeIfDecided();
		}
	}

	/** Upstream cannot wait longer: answer with what has come (the answer already given, if any). */
	synchronized BatchOutcome decideNow() {
		BatchOutcome given = this.outcome.getNow(null);
		if (given != null) {
			return given;
		}
		BatchOutcome decided = (this.durable || onEveryReplica()) ? decide()
				: BatchOutcome.nack("hand-off log not yet on disk", true);
		this.outcome.complete(decided);
		return decided;
	}

	/** Answered without being logged or sent. */
	synchronized void refuse(String reason) {
		this.outcome.complete(BatchOutcome.nack(reason, true));
	}

	private void completeIfDecided() {
		if (!this.awaiting || !this.awaited.isEmpty()) {
			return;
		}
		if (this.durable || onEveryReplica()) {
			this.outcome.complete(decide());
		}
		else {
			needDurability();
		}
	}

	private boolean onEveryReplica() {
		return this.awaiting && this.acks == this.known && this.rejection == null;
	}

	private BatchOutcome decide() {
		if (this.durabilityFailure != null && !onEveryReplica()) {
			return BatchOutcome.nack("hand-off log write failed: " + this.durabilityFailure, true);
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
