package io.prometheusrelay.tsdb;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Samples that arrive for time ranges the engine has cut into blocks already: a replica catching up
 * from a peer, a sender replaying hours. They wait in the head, and are cut into blocks of their own
 * (merged with the older ones later) once they stop coming for a while or grow large, not at every
 * round: cut as they trickle in, each would make a block of a few samples, and a merge that rewrites
 * the block beside it.
 */
final class Backfill {

	/** Old samples held before they are cut whether or not more are coming. */
	static final long SAMPLES_TO_CUT = 10_000_000;

	/** The end of the newest range cut into a block (exclusive); nothing is old before a block exists. */
	private volatile long blocksEnd = Long.MIN_VALUE;

	private final LongAdder samples = new LongAdder();

	private volatile long lastNanos;

	/** Notes a batch appended (writer thread): old when its oldest sample is before the newest block's end. */
	void appended(long batchMinTime, int sampleCount) {
		if (batchMinTime < this.blocksEnd && sampleCount > 0) {
			this.samples.add(sampleCount);
			this.lastNanos = System.nanoTime();
		}
	}

	void blocksEnd(long end) {
		this.blocksEnd = end;
	}

	long blocksEnd() {
		return this.blocksEnd;
	}

	/** Whether old samples are waiting and either stopped coming {@code quiet} ago or are many. */
	boolean due(Duration quiet) {
		long held = this.samples.sum();
		return held > 0 && (held >= SAMPLES_TO_CUT || System.nanoTime() - this.lastNanos >= quiet.toNanos());
	}

	/** The old samples waiting were cut into blocks. */
	void cut() {
		this.samples.reset();
	}

}
