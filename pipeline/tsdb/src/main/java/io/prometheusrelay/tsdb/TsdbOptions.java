package io.prometheusrelay.tsdb;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the engine stores.
 * @param dataDir the data directory: blocks, {@code wal-relay/} (the write-ahead log and its
 * checkpoints), {@code latest}, and an empty {@code wal/} so that Prometheus's tools can open it
 * @param blockRange the time range of a block cut from the head (Prometheus's 2 h)
 * @param fsync when the write-ahead log is forced to disk
 * @param fsyncInterval how often, with {@link FsyncPolicy#INTERVAL}
 * @param walSegmentBytes size at which a write-ahead log segment is closed
 * @param checkpointInterval how often the head is checkpointed, so that a restart replays at most
 * about this much of the log (and after every compaction)
 * @param retentionMaxAge blocks whose newest sample is older than this, counted from the newest sample
 * stored, are deleted
 * @param retentionMaxBytes the oldest blocks are deleted while blocks and log together are larger
 * @param maxBlockDuration the longest block compaction makes
 * @param maxQueuedAppends batches waiting for the writer; more are refused as busy
 * @param deduplicate whether a batch already held is acknowledged without being stored again
 */
public record TsdbOptions(Path dataDir, Duration blockRange, FsyncPolicy fsync, Duration fsyncInterval,
		long walSegmentBytes, Duration checkpointInterval, Duration retentionMaxAge, long retentionMaxBytes,
		Duration maxBlockDuration, int maxQueuedAppends, boolean deduplicate) {

	public TsdbOptions {
		require(blockRange.toMillis() >= 100, "the block range must be at least 100ms, not " + blockRange);
		require(maxBlockDuration.compareTo(blockRange) >= 0,
				"the longest block (" + maxBlockDuration + ") must be at least the block range (" + blockRange + ")");
		require(walSegmentBytes >= 4096, "a log segment must hold at least 4096 bytes, not " + walSegmentBytes);
		require(!checkpointInterval.isNegative() && !checkpointInterval.isZero(),
				"the checkpoint interval must be positive, not " + checkpointInterval);
		require(!fsyncInterval.isNegative() && !fsyncInterval.isZero(),
				"the fsync interval must be positive, not " + fsyncInterval);
		require(!retentionMaxAge.isNegative() && !retentionMaxAge.isZero(),
				"the retention age must be positive, not " + retentionMaxAge);
		require(retentionMaxBytes > 0, "the retention size must be positive, not " + retentionMaxBytes);
		require(maxQueuedAppends > 0, "at least one batch must be allowed to wait, not " + maxQueuedAppends);
	}

	private static void require(boolean valid, String problem) {
		if (!valid) {
			throw new IllegalArgumentException("Storage settings: " + problem);
		}
	}

	/** Defaults for {@code dataDir}: Prometheus's 2 h blocks, fsync before every acknowledgement, 7 days or 10 GB. */
	public static TsdbOptions defaults(Path dataDir) {
		return new TsdbOptions(dataDir, Duration.ofHours(2), FsyncPolicy.BATCH, Duration.ofSeconds(1), 64L << 20,
				Duration.ofMinutes(10), Duration.ofDays(7), 10_000_000_000L, Duration.ofHours(18), 1024, true);
	}

	public TsdbOptions withBlockRange(Duration range) {
		return new TsdbOptions(this.dataDir, range, this.fsync, this.fsyncInterval, this.walSegmentBytes,
				this.checkpointInterval, this.retentionMaxAge, this.retentionMaxBytes, this.maxBlockDuration,
				this.maxQueuedAppends, this.deduplicate);
	}

	public TsdbOptions withMaxBlockDuration(Duration longest) {
		return new TsdbOptions(this.dataDir, this.blockRange, this.fsync, this.fsyncInterval, this.walSegmentBytes,
				this.checkpointInterval, this.retentionMaxAge, this.retentionMaxBytes, longest, this.maxQueuedAppends,
				this.deduplicate);
	}

	public TsdbOptions withRetention(Duration maxAge, long maxBytes) {
		return new TsdbOptions(this.dataDir, this.blockRange, this.fsync, this.fsyncInterval, this.walSegmentBytes,
				this.checkpointInterval, maxAge, maxBytes, this.maxBlockDuration, this.maxQueuedAppends,
				this.deduplicate);
	}

	public TsdbOptions withFsync(FsyncPolicy fsync) {
		return new TsdbOptions(this.dataDir, this.blockRange, fsync, this.fsyncInterval, this.walSegmentBytes,
				this.checkpointInterval, this.retentionMaxAge, this.retentionMaxBytes, this.maxBlockDuration,
				this.maxQueuedAppends, this.deduplicate);
	}

	public TsdbOptions withWalSegmentBytes(long bytes) {
		return new TsdbOptions(this.dataDir, this.blockRange, this.fsync, this.fsyncInterval, bytes,
				this.checkpointInterval, this.retentionMaxAge, this.retentionMaxBytes, this.maxBlockDuration,
				this.maxQueuedAppends, this.deduplicate);
	}

	public TsdbOptions withDeduplicate(boolean deduplicate) {
		return new TsdbOptions(this.dataDir, this.blockRange, this.fsync, this.fsyncInterval, this.walSegmentBytes,
				this.checkpointInterval, this.retentionMaxAge, this.retentionMaxBytes, this.maxBlockDuration,
				this.maxQueuedAppends, deduplicate);
	}

}
