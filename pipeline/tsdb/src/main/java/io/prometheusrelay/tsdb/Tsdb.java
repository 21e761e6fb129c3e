package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.prometheusrelay.log.DataDirectoryLock;
import io.prometheusrelay.log.GroupCommitter;
import io.prometheusrelay.log.LogOptions;
import io.prometheusrelay.log.SegmentedLog;
import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.compact.Compactor;
import io.prometheusrelay.tsdb.head.Head;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.StoredBatch;
import io.prometheusrelay.tsdb.model.WriteBatch;
import io.prometheusrelay.tsdb.query.ChunkSource;
import io.prometheusrelay.tsdb.query.Querier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage engine. A batch is stored once: written to the write-ahead log (forced to disk per the
 * fsync policy) and applied to the head before its future completes; a batch it holds already
 * completes as a duplicate. Reads go through a {@link Querier} over the blocks and the head. In the
 * background the head's oldest range is cut into blocks, blocks are merged, and retention deletes
 * the oldest.
 * <p>
 * The data directory is a Prometheus data directory: block directories named by ULIDs, {@code latest}
 * pointing at the newest, and an empty {@code wal/} so that promtool opens it; this engine's own
 * write-ahead log and checkpoints are in {@code wal-relay/}. One engine owns a directory
 * ({@code .lock}).
 */
public final class Tsdb implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Tsdb.class);

	/** "PRWL": the first bytes of every segment of this engine's write-ahead log. */
	private static final int WAL_MAGIC = 0x5052574C;

	/** How often background work runs at most; shorter block ranges (tests, demos) run it at a quarter of theirs. */
	private static final Duration MAX_MAINTENANCE_INTERVAL = Duration.ofSeconds(15);

	private final TsdbOptions options;

	private final DataDirectoryLock lock;

	private final TsdbMetrics metrics = new TsdbMetrics();

	private final Head head;

	private final BatchIndex batches = new BatchIndex();

	private final BlockSet blocks;

	private final SegmentedLog wal;

	private final HeadWriter writer;

	private final GroupCommitter<HeadWriter.Pending> committer;

	private final Maintenance maintenance;

	private final RetentionFloor floor;

	private volatile boolean closing;

	private Tsdb(TsdbOptions options, Clock clock) throws IOException {
		this.options = options;
		long opening = System.nanoTime();
		Path dataDir = Files.createDirectories(options.dataDir());
		this.lock = DataDirectoryLock.acquire(dataDir, "storage engine");
		try {
			Files.createDirectories(dataDir.resolve("wal"));
			Path walDir = Files.createDirectories(dataDir.resolve("wal-relay"));
			this.floor = RetentionFloor.load(dataDir);
			this.blocks = new BlockSet(dataDir, this.batches, this.metrics);
			this.blocks.load();
			this.head = new Head(options.blockRange().toMillis());
			this.wal = SegmentedLog.open(new LogOptions(walDir, WAL_MAGIC, ".wal", options.walSegmentBytes()));
			this.metrics.walTruncations.add(this.wal.recovery().truncatedSegments());
			this.metrics.walTruncatedBytes.add(this.wal.recovery().truncatedBytes());
			this.metrics.walCorruptRecords
				.add(this.wal.recovery().skippedRecords() + this.wal.recovery().unreadableSegments());
			long started = System.nanoTime();
			long records = new Replay(this.head, this.batches, this.metrics).run(walDir, this.wal);
			logger.info("Store {}: {} blocks, {} series in the head, {} log records replayed in {} ms, opened in {} ms;"
					+ " {} batches held", dataDir, this.blocks.blocks().size(), this.head.seriesCount(), records,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opening), this.batches.size());
			Backfill backfill = new Backfill();
			long newestBlock = this.blocks.maxTime();
			backfill.blocksEnd((newestBlock == Long.MIN_VALUE) ? Long.MIN_VALUE : newestBlock + 1);
			this.writer = new HeadWriter(options, this.head, this.wal, this.batches, this.metrics, clock, backfill);
			this.committer = new GroupCommitter<>("tsdb-writer", options.maxQueuedAppends(), 512,
					Duration.ofMillis(100), this.writer);
			this.maintenance = new Maintenance(options, this.head, this.wal, walDir, this.blocks, this.batches,
					this.writer, new Compactor(dataDir, clock), this.metrics, this.floor, backfill,
					maintenanceInterval(options.blockRange()));
		}
		catch (IOException | RuntimeException ex) {
			this.lock.close();
			throw ex;
		}
		this.committer.start();
		this.maintenance.start();
	}

	private static Duration maintenanceInterval(Duration blockRange) {
		Duration quarter = blockRange.dividedBy(4);
		return (quarter.compareTo(MAX_MAINTENANCE_INTERVAL) < 0) ? quarter : MAX_MAINTENANCE_INTERVAL;
	}

	/**
	 * Opens the engine on its data directory: locks it, opens the blocks, rebuilds the head from the
	 * newest checkpoint and the log after it, and starts the writer and the background work.
	 * @throws DataDirectoryLock.DataDirectoryInUseException if another engine owns the directory
	 */
	public static Tsdb open(TsdbOptions options, Clock clock) throws IOException {
		return new Tsdb(options, clock);
	}

	/**
	 * Stores a batch, unless the engine holds one with the same identity.
	 * @return completes once the batch is in the log (forced per the fsync policy) and in the head;
	 * fails with {@link StoreBusyException} when the writer cannot take it now, or with the I/O error
	 * that kept it from the log
	 */
	public CompletableFuture<AppendResult> append(WriteBatch batch) {
		return append(batch, true);
	}

	/** Stores a batch copied from a peer: as {@link #append}, but {@link #onCommit} listeners are not told. */
	public CompletableFuture<AppendResult> appendCopy(WriteBatch batch) {
		return append(batch, false);
	}

	private CompletableFuture<AppendResult> append(WriteBatch batch, boolean relayed) {
		HeadWriter.Pending pending = new HeadWriter.Pending(batch, relayed, new CompletableFuture<>());
		if (this.closing) {
			pending.done().completeExceptionally(new StoreBusyException("the store is closing"));
		}
		else if (!this.committer.offer(pending)) {
			this.metrics.batchesRefusedBusy.increment();
			pending.done().completeExceptionally(
					new StoreBusyException("store queue full (" + this.options.maxQueuedAppends() + " batches)"));
		}
		return pending.done();
	}

	/** Whether a batch with this identity is held (in the head or in a block). */
	public boolean holds(BatchId id) {
		return this.batches.holds(id);
	}

	/** Every batch held, in no particular order; concurrent appends may or may not be seen. */
	public Iterable<StoredBatch> batches() {
		return this.batches.all();
	}

	/** Batch identities held. */
	public int batchCount() {
		return this.batches.size();
	}

	/**
	 * Calls {@code listener} with every relayed batch stored from now on, on the writer's thread, after
	 * it is durable and in the head: it must only hand the batch off. Closing the handle unsubscribes.
	 */
	public AutoCloseable onCommit(Consumer<WriteBatch> listener) {
		return this.writer.onCommit(listener);
	}

	/** A querier over everything stored for [mint, maxt]. A block found corrupt is reported and left out. */
	public Querier querier(long mint, long maxt) {
		List<ChunkSource> sources = new ArrayList<>(this.blocks.blocks());
		sources.add(this.head);
		return new Querier(sources, mint, maxt, (source, ex) -> {
			if (source instanceof Block block) {
				this.metrics.corruptBlocks.increment();
				logger.error("Block {} is corrupt and is no longer served: {}", block.directory(), ex.getMessage());
				this.blocks.quarantine(block);
			}
			else {
				logger.error("Reading {} failed: {}", source, ex.getMessage());
			}
		});
	}

	public Head head() {
		return this.head;
	}

	/** Series in the head. */
	public int headSeries() {
		return this.head.seriesCount();
	}

	/** The blocks served, oldest first. */
	public List<Block> blocks() {
		return this.blocks.blocks();
	}

	/** Block directories found corrupt, not served. */
	public List<Path> corruptBlocks() {
		return this.blocks.corrupt();
	}

	public TsdbMetrics metrics() {
		return this.metrics;
	}

	public TsdbOptions options() {
		return this.options;
	}

	/** Bytes of the blocks. */
	public long blockBytes() {
		return this.blocks.sizeBytes();
	}

	/** Bytes of the write-ahead log's segments. */
	public long walBytes() {
		return this.wal.sizeBytes();
	}

	/** Batches waiting for the writer. */
	public int queuedAppends() {
		return this.committer.queued();
	}

	/** The newest sample retention deleted (ms); {@link Long#MIN_VALUE} if none. */
	public long retentionFloor() {
		return this.floor.millis();
	}

	/** Why the last write to the log failed, while no write has succeeded since. */
	public Optional<String> lastWriteFailure() {
		return Optional.ofNullable(this.writer.lastWriteFailure());
	}

	/** Runs the background work now and waits for it: cut, checkpoint, merge, retention. */
	public void compactNow() {
		this.maintenance.runNow();
	}

	/** Runs a round of the background work as its schedule does, and waits for it. For tests. */
	void maintenanceRound() {
		this.maintenance.round();
	}

	/** Checkpoints the head now and waits for it. */
	public void checkpointNow() {
		this.maintenance.checkpointNow();
	}

	/**
	 * Stops taking batches, stores those queued, checkpoints the head (so the next start replays
	 * little), and releases the directory.
	 */
	@Override
	public void close() throws IOException {
		if (this.closing) {
			return;
		}
		this.closing = true;
		this.maintenance.close();
		this.committer.close();
		try {
			if (this.committer.isStopped()) {
				this.wal.close();
			}
			else {
				// Its writer is stuck (an fsync that does not return): the log stays the writer's.
				logger.error("Store {}: the writer did not stop within 30 s; its log is left open", this.options.dataDir());
			}
		}
		finally {
			this.lock.close();
		}
	}

}
