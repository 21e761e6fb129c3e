package io.prometheusrelay.tsdb;

import java.util.concurrent.atomic.LongAdder;

import io.prometheusrelay.tsdb.head.AppendOutcome;

/**
 * What the engine counts, for its owner to publish (the api-server binds them as meters). Counters
 * only go up; the gauges are read from the engine itself.
 */
public final class TsdbMetrics {

	/** Samples appended after their series' newest. */
	public final LongAdder samplesInOrder = new LongAdder();

	/** Samples older than their series' newest, kept apart until compacted. */
	public final LongAdder samplesOutOfOrder = new LongAdder();

	/** Samples the series already held, identical: nothing stored. */
	public final LongAdder samplesDuplicate = new LongAdder();

	/** Batches stored. */
	public final LongAdder batchesCommitted = new LongAdder();

	/** Batches acknowledged without being stored again, as the engine held them already. */
	public final LongAdder batchesDuplicate = new LongAdder();

	/** Batches refused because the writer's queue was full. */
	public final LongAdder batchesRefusedBusy = new LongAdder();

	/** Writes or fsyncs of the write-ahead log that failed. */
	public final LongAdder walWriteErrors = new LongAdder();

	/** Bytes written to the write-ahead log. */
	public final LongAdder walBytesWritten = new LongAdder();

	public final LongAdder walFsyncs = new LongAdder();

	public final LongAdder walFsyncNanos = new LongAdder();

	/** Records of the log replayed at start, and corrupt ones skipped. */
	public final LongAdder walRecordsReplayed = new LongAdder();

	public final LongAdder walCorruptRecords = new LongAdder();

	/** Log segments whose torn tail was cut off at start, and the bytes cut. */
	public final LongAdder walTruncations = new LongAdder();

	public final LongAdder walTruncatedBytes = new LongAdder();

	public final LongAdder checkpoints = new LongAdder();

	public final LongAdder checkpointFailures = new LongAdder();

	/** Blocks cut from the head, and samples in them. */
	public final LongAdder headCompactions = new LongAdder();

	public final LongAdder samplesCompacted = new LongAdder();

	/** Blocks merged into one. */
	public final LongAdder mergeCompactions = new LongAdder();

	public final LongAdder compactionFailures = new LongAdder();

	/** Wall time spent compacting, in nanoseconds. */
	public final LongAdder compactionNanos = new LongAdder();

	/** Blocks deleted by retention, by age and by size. */
	public final LongAdder retentionDeletionsAge = new LongAdder();

	public final LongAdder retentionDeletionsSize = new LongAdder();

	/** Blocks found corrupt: at start, or while read. */
	public final LongAdder corruptBlocks = new LongAdder();

	/** Counts a batch's appended samples, by {@link AppendOutcome#ordinal()}. */
	void samplesAppended(int[] byOutcome) {
		this.samplesInOrder.add(byOutcome[AppendOutcome.IN_ORDER.ordinal()]);
		this.samplesOutOfOrder.add(byOutcome[AppendOutcome.OUT_OF_ORDER.ordinal()]);
		this.samplesDuplicate.add(byOutcome[AppendOutcome.DUPLICATE.ordinal()]);
	}

}
