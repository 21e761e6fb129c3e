package io.prometheusrelay.forwarder.fanout;

import java.util.HashMap;
import java.util.Map;

import io.prometheusrelay.forwarder.handoff.LoggedBatch;
import io.prometheusrelay.protocol.frame.BatchDigest;
import org.jspecify.annotations.Nullable;

/**
 * The newest batches of the log, kept in memory so that delivery to replicas in sync never reads
 * the disk. Bounded in bytes; a batch leaves only once its write has ended, so anything older than
 * the tail can be read from disk. Delivery thread only.
 */
final class MemoryTail {

	/** A batch, its digest, the answer waiting for its replicas (if any), and whether its write has ended. */
	static final class Entry {

		final LoggedBatch batch;

		/** Computed once for every replica it is sent to; the hand-off log does not keep it. */
		final BatchDigest digest;

		final @Nullable UpstreamAnswer answer;

		/** 0 while being written, 1 written, -1 failed (a hole). */
		volatile int written;

		Entry(LoggedBatch batch, BatchDigest digest, @Nullable UpstreamAnswer answer) {
			this.batch = batch;
			this.digest = digest;
			this.answer = answer;
		}

		boolean failed() {
			return this.written < 0;
		}

	}

	private final long budgetBytes;

	private final Map<Long, Entry> entries = new HashMap<>();

	private long first = 1;

	private long last;

	private long bytes;

	MemoryTail(long budgetBytes) {
		this.budgetBytes = budgetBytes;
	}

	void add(Entry entry) {
		long sequence = entry.batch.sequence();
		if (this.entries.isEmpty()) {
			this.first = sequence;
		}
		this.entries.put(sequence, entry);
		this.last = sequence;
		this.bytes += entry.batch.payload().length;
		while (this.bytes > this.budgetBytes && this.first < this.last) {
			Entry oldest = this.entries.get(this.first);
			if (oldest != null && oldest.written == 0) {
				return;
			}
			evictFirst();
		}
	}

	private void evictFirst() {
		Entry oldest = this.entries.remove(this.first++);
		if (oldest != null) {
			this.bytes -= oldest.batch.payload().length;
		}
	}

	/**
	 * Every replica has every batch through {@code sequence}: those that are written leave now, so
	 * that in the common case a batch's payload dies young instead of waiting for the budget.
	 */
	void delivered(long sequence) {
		while (this.first <= Math.min(sequence, this.last)) {
			Entry oldest = this.entries.get(this.first);
			if (oldest != null && oldest.written == 0) {
				return;
			}
			evictFirst();
		}
	}

	@Nullable Entry get(long sequence) {
		return this.entries.get(sequence);
	}

	/** More than twice the budget is waiting for the disk: the writer is behind, take nothing more. */
	boolean isOverloaded() {
		return this.bytes > 2 * this.budgetBytes;
	}

	long bytes() {
		return this.bytes;
	}

}
