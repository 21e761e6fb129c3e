package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.prometheusrelay.log.SegmentedLog;
import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.block.BlockMeta;
import io.prometheusrelay.tsdb.compact.CompactionPlanner;
import io.prometheusrelay.tsdb.compact.Compactor;
import io.prometheusrelay.tsdb.head.CompactionSnapshot;
import io.prometheusrelay.tsdb.head.Head;
import io.prometheusrelay.tsdb.head.HeadSeries;
import io.prometheusrelay.tsdb.head.SeriesState;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.MetricMetadata;
import io.prometheusrelay.tsdb.model.StoredBatch;
import io.prometheusrelay.tsdb.wal.Checkpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's background work, on one thread: cutting the head's oldest block range into a block
 * once the head spans one and a half ranges, checkpointing the head (after every cut, and every
 * checkpoint interval) so that the log before it can go, merging blocks as the planner says, and
 * retention. What must happen on the writer's thread (removing series, rolling the log, deleting its
 * segments) is handed to it.
 */
final class Maintenance {

	private static final Logger logger = LoggerFactory.getLogger(Maintenance.class);

	/** Blocks cut in one run at most, so that a flood of old samples cannot keep the thread forever. */
	private static final int MAX_CUTS_PER_RUN = 64;

	private final TsdbOptions options;

	private final Head head;

	private final SegmentedLog wal;

	private final Path walDir;

	private final BlockSet blocks;

	private final BatchIndex batches;

	private final HeadWriter writer;

	private final Compactor compactor;

	private final CompactionPlanner planner;

	private final TsdbMetrics metrics;

	/** Blocks whose merge failed: not tried again by this process (an operator looks at them). */
	private final Set<String> unmergeable = new HashSet<>();

	private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "tsdb-maintenance");
		thread.setDaemon(true);
		return thread;
	});

	private final HeadCheckpoints checkpoints;

	private final Retention retention;

	private final Backfill backfill;

	/** Time between rounds, and how long old samples must stop coming before they are cut. */
	private final Duration interval;

	Maintenance(TsdbOptions options, Head head, SegmentedLog wal, Path walDir, BlockSet blocks, BatchIndex batches,
			HeadWriter writer, Compactor compactor, TsdbMetrics metrics, RetentionFloor floor, Backfill backfill,
			Duration interval) {
		this.options = options;
		this.backfill = backfill;
		this.interval = interval;
		this.head = head;
		this.wal = wal;
		this.walDir = walDir;
		this.blocks = blocks;
		this.batches = batches;
		this.writer = writer;
		this.compactor = compactor;
		this.planner = new CompactionPlanner(options.blockRange().toMillis(), options.maxBlockDuration().toMillis());
		this.metrics = metrics;
		this.checkpoints = new HeadCheckpoints(options, head, wal, walDir, batches, writer, metrics);
		this.retention = new Retention(options, head, wal, blocks, metrics, floor);
	}

	/** Runs a round every {@link #interval}. */
	void start() {
		this.thread.scheduleWithFixedDelay(() -> run(false), this.interval.toMillis(), this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/** Runs a round now, and waits for it. */
	void runNow() {
		await(this.thread.submit(() -> run(true)));
	}

	/** Runs a round as the schedule does, and waits for it. */
	void round() {
		await(this.thread.submit(() -> run(false)));
	}

	/** Checkpoints now, and waits for it. */
	void checkpointNow() {
		await(this.thread.submit(() -> {
			this.checkpoints.write();
			return null;
		}));
	}

	private static void await(Future<?> work) {
		try {
			work.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
	}

	/**
	 * Checkpoints the head if the log grew since the last checkpoint, so that the next start replays
	 * next to nothing, then stops the rounds, waiting for one under way (at most a minute).
	 */
	void close() {
		this.thread.execute(() -> {
			try {
				if (this.checkpoints.logGrew()) {
					this.checkpoints.write();
				}
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("Checkpoint at close of {} failed; the next start replays the log: {}",
						this.options.dataDir(), ex.toString());
			}
		});
		this.thread.shutdown();
		try {
			this.thread.awaitTermination(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * One round of everything; failures are logged and counted, and the next round tries again. With
	 * {@code now}, old samples are cut whether or not they are due.
	 */
	void run(boolean now) {
		try {
			boolean cut = compactHead(now);
			if (cut || this.checkpoints.due()) {
				this.checkpoints.write();
			}
			mergeBlocks();
			this.retention.apply();
		}
		catch (IOException ex) {
			logger.error("Storage maintenance of {} failed: {}", this.options.dataDir(), ex.toString());
		}
		catch (RuntimeException ex) {
			// A bug rather than a fault of the disk: with its stack trace.
			logger.error("Storage maintenance of {} failed", this.options.dataDir(), ex);
		}
	}

	/**
	 * Cuts into blocks the ranges of the head that end at least half a range before its newest
	 * sample; ranges that have a block already (old samples, {@link Backfill}) only with a new range,
	 * when their samples are due, or {@code now}. True if it cut any.
	 */
	boolean compactHead(boolean now) throws IOException {
		long range = this.options.blockRange().toMillis();
		long min = this.head.minTime();
		long max = this.head.maxTime();
		if (min == Long.MAX_VALUE) {
			return false;
		}
		this.backfill.blocksEnd(blocksEnd());
		long firstNew = Math.max(Math.floorDiv(min, range) * range, this.backfill.blocksEnd());
		boolean newRangeDue = firstNew + range <= max - range / 2;
		boolean cutOld = now || newRangeDue || this.backfill.due(this.interval);
		boolean cut = false;
		int cuts = 0;
		for (long mint = Math.floorDiv(min, range) * range; mint + range <= max - range / 2
				&& cuts < MAX_CUTS_PER_RUN; mint += range) {
			boolean old = mint + range <= this.backfill.blocksEnd();
			if ((!old || cutOld) && cutBlock(mint, mint + range)) {
				cut = true;
				cuts++;
			}
		}
		if (cutOld) {
			this.backfill.cut();
		}
		this.backfill.blocksEnd(blocksEnd());
		return cut;
	}

	/** The end (exclusive) of the newest block's range. */
	private long blocksEnd() {
		long newest = this.blocks.maxTime();
		return (newest == Long.MIN_VALUE) ? Long.MIN_VALUE : newest + 1;
	}

	/** Cuts [mint, maxt) from the head into a block; false when the head holds nothing in it. */
	private boolean cutBlock(long mint, long maxt) throws IOException {
		long start = System.nanoTime();
		List<CompactionSnapshot> snapshots = this.head.snapshotForBlock(mint, maxt);
		if (snapshots.isEmpty()) {
			return false;
		}
		Map<BatchId, StoredBatch> moving = this.batches.headBatchesBefore(maxt);
		BlockMeta meta;
		try {
			meta = this.compactor.writeHeadBlock(snapshots, mint, maxt, moving, this.head.metadata());
		}
		catch (IOException | RuntimeException ex) {
			this.metrics.compactionFailures.increment();
			throw ex;
		}
		if (meta != null) {
			Block block = Block.open(this.options.dataDir().resolve(meta.ulid()));
			this.blocks.add(block);
			this.batches.movedToBlock(meta.ulid(), moving);
			this.metrics.headCompactions.increment();
			this.metrics.samplesCompacted.add(meta.stats().numSamples());
			logger.info("Cut block {} [{}, {}) from the head: {} series, {} samples", meta.ulid(), mint, maxt,
					meta.stats().numSeries(), meta.stats().numSamples());
		}
		snapshots.forEach(CompactionSnapshot::release);
		this.writer.tasks().call(this.head::removeEmptySeries);
		this.metrics.compactionNanos.add(System.nanoTime() - start);
		return meta != null;
	}

	/** Merges blocks while the planner finds blocks to merge. */
	void mergeBlocks() {
		List<Block> group;
		while ((group = this.planner.plan(mergeable())) != null) {
			long start = System.nanoTime();
			try {
				BlockMeta meta = this.compactor.merge(group);
				Block merged = Block.open(this.options.dataDir().resolve(meta.ulid()));
				this.blocks.replace(group, merged);
				this.metrics.mergeCompactions.increment();
				logger.info("Merged {} blocks into {} [{}, {})", group.size(), meta.ulid(), meta.minTime(), meta.maxTime());
			}
			catch (IOException | RuntimeException ex) {
				this.metrics.compactionFailures.increment();
				group.forEach(block -> this.unmergeable.add(block.meta().ulid()));
				logger.error("Merging {} failed, they stay as they are: {}", group, ex.getMessage());
			}
			finally {
				this.metrics.compactionNanos.add(System.nanoTime() - start);
			}
		}
	}

	private List<Block> mergeable() {
		return this.blocks.blocks().stream().filter(block -> !this.unmergeable.contains(block.meta().ulid())).toList();
	}

}
