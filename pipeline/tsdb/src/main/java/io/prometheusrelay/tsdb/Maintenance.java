package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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

	private final RetentionFloor floor;

	/** Blocks whose merge failed: not tried again by this process (an operator looks at them). */
	private final Set<String> unmergeable = new HashSet<>();

	private long lastCheckpointNanos = System.nanoTime();

	private long walSizeAtCheckpoint;

	Maintenance(TsdbOptions options, Head head, SegmentedLog wal, Path walDir, BlockSet blocks, BatchIndex batches,
			HeadWriter writer, Compactor compactor, TsdbMetrics metrics, RetentionFloor floor) {
		this.options = options;
		this.head = head;
		this.wal = wal;
		this.walDir = walDir;
		this.blocks = blocks;
		this.batches = batches;
		this.writer = writer;
		this.compactor = compactor;
		this.planner = new CompactionPlanner(options.blockRange().toMillis(), options.maxBlockDuration().toMillis());
		this.metrics = metrics;
		this.floor = floor;
	}

	/** One round of everything; failures are logged and counted, and the next round tries again. */
	void run() {
		try {
			boolean cut = compactHead();
			if (cut || checkpointDue()) {
				checkpoint();
			}
			mergeBlocks();
			applyRetention();
		}
		catch (IOException ex) {
			logger.error("Storage maintenance of {} failed: {}", this.options.dataDir(), ex.toString());
		}
		catch (RuntimeException ex) {
			// A bug rather than a fault of the disk: with its stack trace.
			logger.error("Storage maintenance of {} failed", this.options.dataDir(), ex);
		}
	}

	/** Cuts blocks from the head while it spans more than one and a half block ranges; true if it cut any. */
	boolean compactHead() throws IOException {
		long range = this.options.blockRange().toMillis();
		boolean cut = false;
		for (int i = 0; i < MAX_CUTS_PER_RUN; i++) {
			long min = this.head.minTime();
			long max = this.head.maxTime();
			if (min == Long.MAX_VALUE) {
				break;
			}
			long mint = Math.floorDiv(min, range) * range;
			long maxt = mint + range;
			if (maxt > max - range / 2) {
				break;
			}
			cutBlock(mint, maxt);
			cut = true;
		}
		return cut;
	}

	private void cutBlock(long mint, long maxt) throws IOException {
		long start = System.nanoTime();
		List<CompactionSnapshot> snapshots = this.head.snapshotForBlock(mint, maxt);
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
		onWriter(() -> {
			this.head.removeEmptySeries();
			return null;
		});
		this.metrics.compactionNanos.add(System.nanoTime() - start);
	}

	private boolean checkpointDue() {
		return System.nanoTime() - this.lastCheckpointNanos >= this.options.checkpointInterval().toNanos()
				&& this.wal.sizeBytes() != this.walSizeAtCheckpoint;
	}

	/**
	 * Writes a checkpoint of the head as of a new log segment, then deletes the segments and
	 * checkpoints before it.
	 */
	void checkpoint() throws IOException {
		record Input(long sequence, List<SeriesState> series, Map<BatchId, StoredBatch> batches,
				Map<String, MetricMetadata> metadata) {
		}
		Input input = onWriter(() -> {
			try {
				long sequence = this.wal.roll();
				List<SeriesState> series = new ArrayList<>(this.head.seriesCount());
				for (HeadSeries each : this.head.allSeries()) {
					series.add(each.state());
				}
				return new Input(sequence, series, this.batches.headBatches(), this.head.metadata());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		try {
			Checkpoint.write(this.walDir, new Checkpoint.Contents(input.sequence(), input.series(), input.batches(),
					input.metadata()));
		}
		catch (IOException | RuntimeException ex) {
			this.metrics.checkpointFailures.increment();
			throw ex;
		}
		onWriter(() -> {
			try {
				this.wal.deleteBefore(input.sequence());
			}
			catch (IOException ex) {
				logger.warn("Write-ahead log {}: could not delete old segments: {}", this.walDir, ex.getMessage());
			}
			return null;
		});
		Checkpoint.deleteBefore(this.walDir, input.sequence());
		this.metrics.checkpoints.increment();
		this.lastCheckpointNanos = System.nanoTime();
		this.walSizeAtCheckpoint = this.wal.sizeBytes();
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

	/**
	 * Deletes the blocks past the age limit (counted back from the newest sample stored), then the
	 * oldest while blocks and log together are over the size limit. The newest sample of what is
	 * deleted becomes the retention floor first, so that catching up from a peer does not bring it back.
	 */
	void applyRetention() throws IOException {
		long newest = Math.max(this.head.maxTime(), this.blocks.maxTime());
		long oldestKept = newest - this.options.retentionMaxAge().toMillis();
		for (Block block : this.blocks.blocks()) {
			if (block.meta().maxTime() <= oldestKept) {
				delete(block, "older than " + this.options.retentionMaxAge());
				this.metrics.retentionDeletionsAge.increment();
			}
		}
		List<Block> remaining = this.blocks.blocks();
		int i = 0;
		while (i < remaining.size() && this.blocks.sizeBytes() + this.wal.sizeBytes() > this.options.retentionMaxBytes()) {
			delete(remaining.get(i++), "over " + this.options.retentionMaxBytes() + " bytes");
			this.metrics.retentionDeletionsSize.increment();
		}
	}

	private void delete(Block block, String why) throws IOException {
		this.floor.raise(block.maxTime());
		this.blocks.delete(block);
		logger.info("Retention deleted block {} [{}, {}): {}", block.meta().ulid(), block.meta().minTime(),
				block.meta().maxTime(), why);
	}

	/** Runs {@code work} on the writer's thread and waits for it. */
	private <T> T onWriter(Supplier<T> work) {
		CompletableFuture<T> done = new CompletableFuture<>();
		this.writer.submit(() -> {
			try {
				done.complete(work.get());
			}
			catch (RuntimeException ex) {
				done.completeExceptionally(ex);
			}
		});
		try {
			return done.get(60, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("The writer did not run a maintenance task: " + ex, ex);
		}
	}


}
