package io.prometheusrelay.apiserver.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbMetrics;

/**
 * The storage engine's meters, under {@code relay.store}: what it appended, its write-ahead log,
 * checkpoints, compactions, retention and corruption, and gauges of what it holds. Each reads the
 * engine's own counters ({@link TsdbMetrics}), so nothing is recorded twice.
 */
public final class StoreMetrics implements MeterBinder {

	private static final String PREFIX = "relay.store.";

	private final Tsdb tsdb;

	public StoreMetrics(Tsdb tsdb) {
		this.tsdb = tsdb;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		TsdbMetrics m = this.tsdb.metrics();
		String samples = "Samples appended, by kind: in_order, out_of_order (older than their series' newest: "
				+ "merged when read and compacted), duplicate (held already: nothing stored)";
		counter(registry, "samples", m.samplesInOrder, samples, "kind", "in_order");
		counter(registry, "samples", m.samplesOutOfOrder, samples, "kind", "out_of_order");
		counter(registry, "samples", m.samplesDuplicate, samples, "kind", "duplicate");
		counter(registry, "batches", m.batchesCommitted, "Batches stored");
		counter(registry, "duplicates", m.batchesDuplicate,
				"Batches delivered again while the store held them, acknowledged without storing them again");
		counter(registry, "rejected", m.batchesRefusedBusy, "Batches refused before reaching the writer", "reason",
				"queue_full");
		counter(registry, "write.errors", m.walWriteErrors, "Writes or fsyncs of the write-ahead log that failed");
		FunctionCounter.builder(PREFIX + "wal.written", m.walBytesWritten, LongAdder::sum)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes of records written to the write-ahead log")
			.register(registry);
		FunctionTimer.builder(PREFIX + "fsync", m, metrics -> metrics.walFsyncs.sum(),
				metrics -> metrics.walFsyncNanos.sum(), TimeUnit.NANOSECONDS)
			.description("Forcing the write-ahead log to disk: one per group of batches under fsync=batch")
			.register(registry);
		counter(registry, "wal.replayed", m.walRecordsReplayed, "Write-ahead log records replayed at start");
		counter(registry, "wal.corrupt", m.walCorruptRecords,
				"Write-ahead log records that could not be read at start (a flipped byte), skipped: their batches are caught up from a peer");
		counter(registry, "wal.truncations", m.walTruncations,
				"Write-ahead log segments whose torn tail (a crash mid-write) was cut off at start");
		FunctionCounter.builder(PREFIX + "wal.truncated", m.walTruncatedBytes, LongAdder::sum)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes cut off torn write-ahead log segments at start")
			.register(registry);
		String checkpoints = "Checkpoints of the head, by outcome (written, failed)";
		counter(registry, "checkpoints", m.checkpoints, checkpoints, "outcome", "written");
		counter(registry, "checkpoints", m.checkpointFailures, checkpoints, "outcome", "failed");
		String compactions = "Compactions, by kind: blocks cut from the head (head), blocks merged into one (merge)";
		counter(registry, "compactions", m.headCompactions, compactions, "kind", "head");
		counter(registry, "compactions", m.mergeCompactions, compactions, "kind", "merge");
		counter(registry, "compaction.failures", m.compactionFailures, "Compactions that failed (retried, or left alone)");
		counter(registry, "compacted.samples", m.samplesCompacted, "Samples written into blocks cut from the head");
		FunctionCounter.builder(PREFIX + "compaction.time", m.compactionNanos, adder -> adder.sum() / 1e9)
			.baseUnit("seconds")
			.description("Time spent compacting")
			.register(registry);
		String deletions = "Blocks deleted by retention, by reason (age, size)";
		counter(registry, "retention.deletions", m.retentionDeletionsAge, deletions, "reason", "age");
		counter(registry, "retention.deletions", m.retentionDeletionsSize, deletions, "reason", "size");
		counter(registry, "corrupt.blocks", m.corruptBlocks,
				"Blocks found corrupt, at start or while read: left out, the rest served");
		gauge(registry, "series", Tsdb::headSeries, "Series in the head", null);
		gauge(registry, "blocks", tsdb -> tsdb.blocks().size(), "Blocks served", null);
		gauge(registry, "blocks.size", Tsdb::blockBytes, "Bytes of the blocks", BaseUnits.BYTES);
		gauge(registry, "wal.size", Tsdb::walBytes, "Bytes of the write-ahead log's segments", BaseUnits.BYTES);
		gauge(registry, "queue", Tsdb::queuedAppends, "Batches waiting for the writer", null);
		gauge(registry, "indexed.batches", Tsdb::batchCount,
				"Batches whose identity the store holds, for deduplication and peers' catch-up", null);
		gauge(registry, "head.min.time", tsdb -> seconds(tsdb.head().minTime()),
				"Oldest sample in the head, seconds since the epoch", "seconds");
		gauge(registry, "head.max.time", tsdb -> seconds(tsdb.head().maxTime()),
				"Newest sample in the head, seconds since the epoch", "seconds");
	}

	private static double seconds(long millis) {
		return (millis == Long.MAX_VALUE || millis == Long.MIN_VALUE) ? Double.NaN : millis / 1000.0;
	}

	private static void counter(MeterRegistry registry, String name, LongAdder adder, String description,
			String... tags) {
		FunctionCounter.builder(PREFIX + name, adder, LongAdder::sum).tags(tags).description(description).register(registry);
	}

	private void gauge(MeterRegistry registry, String name, ToDoubleFunction<Tsdb> value, String description,
			String baseUnit) {
		Gauge.builder(PREFIX + name, this.tsdb, value).description(description).baseUnit(baseUnit).register(registry);
	}

}
