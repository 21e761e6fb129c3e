package io.prometheusrelay.apiserver.catchup;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * What this replica knows it lacks from one peer: set by each comparison, counted down as the lacking
 * batches' ranges are copied. Written by the catch-up thread, read by health and meters.
 */
final class PeerStatus {

	final String address;

	final AtomicLong lackingBatches = new AtomicLong();

	final AtomicLong copiedBatches = new AtomicLong();

	final AtomicLong copiedSamples = new AtomicLong();

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

	void lacks(long batches) {
		this.lackingBatches.set(batches);
	}

	/** Lacking batches no longer lacking: copied, or delivered meanwhile by the forwarder. */
	void resolved(long batches, boolean copied) {
		this.lackingBatches.addAndGet(-batches);
		if (copied) {
			this.copiedBatches.addAndGet(batches);
		}
	}

	void failed(String reason) {
		this.failures.incrementAndGet();
		this.lastError = reason;
	}

}
