package io.prometheusrelay.forwarder.handoff;

/**
 * What the hand-off knows of one segment of its log beyond the sequences: when its first batch was
 * taken (for {@code max-age}), and the position of its last batch (what a replica that never gets
 * the segment loses through). Changed by the writer thread, read by delivery.
 */
public final class HandoffSegment {

	final long firstSequence;

	final long firstAppendedAt;

	/** The position of its last batch, or {@link LoggedBatch#ORIGIN} while it has none. */
	volatile LoggedBatch last = LoggedBatch.ORIGIN;

	HandoffSegment(long firstSequence, long firstAppendedAt) {
		this.firstSequence = firstSequence;
		this.firstAppendedAt = firstAppendedAt;
	}

	public long firstSequence() {
		return this.firstSequence;
	}

	/** The position of its last batch. */
	public LoggedBatch last() {
		return this.last;
	}

	long lastSequence() {
		return Math.max(this.last.sequence(), this.firstSequence - 1);
	}

}
