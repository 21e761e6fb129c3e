package io.prometheusrelay.apiserver.catchup;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * What this replica knows it lacks from one peer: set by each comparison, counted down as batches
 * are copied. Written by the catch-up thread, read by health and meters.
 */
final class PeerStatus {

	final String address;

	final AtomicLong lackingBatches = new AtomicLong();

	final AtomicLong lackingBytes = new AtomicLong();

	final AtomicLong copiedBatches = new AtomicLong();

	final AtomicLong copiedBytes = new AtomicLong();

	final AtomicLong failures = new AtomicLong();

	/** The peer is this replica (found by its identity): never compared again. */
	volatile boolean self;

	volatile @Nullable Instant lastCompared;

	volatile @Nullable String lastError;

	PeerStatus(String address) {
		this.address = address;
	}

	/** Compared, and nothing is left to copy. */
	boolean converged() {
		return this.self || (this.lastCompared != null && this.lastError == null && this.lackingBatches.get() == 0);
	}

	void lacks(long batches, long bytes) {
		this.lackingBatches.set(batches);
		this.lackingBytes.set(bytes);
	}

	/**
	 * One lacking batch is no longer lacking: copied, delivered meanwhile by the forwarder, or gone
	 * from the peer (its retention).
	 */
	void resolved(int bytes, boolean copied) {
		this.lackingBatches.decrementAndGet();
		this.lackingBytes.addAndGet(-bytes);
		if (copied) {
			this.copiedBatches.incrementAndGet();
			this.copiedBytes.addAndGet(bytes);
		}
	}

	void failed(String reason) {
		this.failures.incrementAndGet();
		this.lastError = reason;
	}

}
