package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.log.SegmentedLog;
import io.prometheusrelay.tsdb.head.Head;
import io.prometheusrelay.tsdb.head.HeadSeries;
import io.prometheusrelay.tsdb.head.SeriesState;
import io.prometheusrelay.tsdb.wal.Checkpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints of the head: the log is rolled and the head's state taken on the writer's thread, so
 * that the checkpoint holds exactly what the log holds before the new segment; the file is written
 * here; then the segments and checkpoints before it are deleted. A restart replays only the log
 * after the newest checkpoint.
 */
final class HeadCheckpoints {

	private static final Logger logger = LoggerFactory.getLogger(HeadCheckpoints.class);

	private final TsdbOptions options;

	private final Head head;

	private final SegmentedLog wal;

	private final Path walDir;

	private final BatchIndex batches;

	private final HeadWriter writer;

	private final TsdbMetrics metrics;

	private long lastCheckpointNanos = System.nanoTime();

	private long walSizeAtCheckpoint;

	HeadCheckpoints(TsdbOptions options, Head head, SegmentedLog wal, Path walDir, BatchIndex batches,
			HeadWriter writer, TsdbMetrics metrics) {
		this.options = options;
		this.head = head;
		this.wal = wal;
		this.walDir = walDir;
		this.batches = batches;
		this.writer = writer;
		this.metrics = metrics;
	}

	/** Whether the interval has passed since the last checkpoint and the log has grown since. */
	boolean due() {
		return System.nanoTime() - this.lastCheckpointNanos >= this.options.checkpointInterval().toNanos()
				&& logGrew();
	}

	/** Whether the log holds records the last checkpoint does not. */
	boolean logGrew() {
		return this.wal.sizeBytes() != this.walSizeAtCheckpoint;
	}

	/** Writes a checkpoint as of a new log segment, then deletes the segments and checkpoints before it. */
	void write() throws IOException {
		Checkpoint.Contents contents = this.writer.tasks().call(() -> {
			try {
				long sequence = this.wal.roll();
				List<SeriesState> series = new ArrayList<>(this.head.seriesCount());
				for (HeadSeries each : this.head.allSeries()) {
					series.add(each.state());
				}
				return new Checkpoint.Contents(sequence, series, this.batches.headBatches(), this.head.metadata());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		try {
			Checkpoint.write(this.walDir, contents);
		}
		catch (IOException | RuntimeException ex) {
			this.metrics.checkpointFailures.increment();
			throw ex;
		}
		this.writer.tasks().call(() -> {
			try {
				this.wal.deleteBefore(contents.sequence());
			}
			catch (IOException ex) {
				logger.warn("Write-ahead log {}: could not delete old segments: {}", this.walDir, ex.getMessage());
			}
			return null;
		});
		Checkpoint.deleteBefore(this.walDir, contents.sequence());
		this.metrics.checkpoints.increment();
		this.lastCheckpointNanos = System.nanoTime();
		this.walSizeAtCheckpoint = this.wal.sizeBytes();
	}

}
