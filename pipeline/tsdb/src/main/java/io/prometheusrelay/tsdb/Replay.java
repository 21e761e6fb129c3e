package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;

import io.prometheusrelay.log.LogRecord;
import io.prometheusrelay.log.SegmentedLog;
import io.prometheusrelay.tsdb.head.Head;
import io.prometheusrelay.tsdb.head.HeadSeries;
import io.prometheusrelay.tsdb.head.SeriesState;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.MetricMetadata;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.StoredBatch;
import io.prometheusrelay.tsdb.wal.Checkpoint;
import io.prometheusrelay.tsdb.wal.WalRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the head at start: the newest checkpoint, then every log record from its sequence on. A
 * record that cannot be read is counted and skipped (the batch is then missing here, and catching up
 * from a peer brings it back); a checkpoint that cannot be read is an error, as its log segments are
 * gone.
 */
final class Replay implements WalRecord.Visitor {

	private static final Logger logger = LoggerFactory.getLogger(Replay.class);

	private final Head head;

	private final BatchIndex batches;

	private final TsdbMetrics metrics;

	private long unknownSeries;

	Replay(Head head, BatchIndex batches, TsdbMetrics metrics) {
		this.head = head;
		this.batches = batches;
		this.metrics = metrics;
	}

	/** Loads the checkpoint and replays the log; returns the number of records replayed. */
	long run(Path walDir, SegmentedLog wal) throws IOException {
		long from = wal.firstSequence();
		Path checkpoint = Checkpoint.newest(walDir);
		if (checkpoint != null) {
			Checkpoint.Contents contents = Checkpoint.read(checkpoint);
			for (SeriesState state : contents.series()) {
				this.head.restore(state);
			}
			contents.batches().values().forEach(this::batch);
			contents.metadata().values().forEach(this.head::putMetadata);
			from = contents.sequence();
			wal.advanceTo(from);
			logger.info("Checkpoint {}: {} series, {} batches", checkpoint.getFileName(), contents.series().size(),
					contents.batches().size());
		}
		long records = 0;
		Iterator<LogRecord> log = wal.read(from);
		try {
			while (log.hasNext()) {
				LogRecord record = log.next();
				try {
					WalRecord.replay(record.payload(), this);
					records++;
				}
				catch (CorruptionException | IllegalArgumentException ex) {
					this.metrics.walCorruptRecords.increment();
					logger.warn("Write-ahead log record {} cannot be read, skipped: {}", record.sequence(), ex.getMessage());
				}
			}
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		if (this.unknownSeries > 0) {
			logger.warn("Write-ahead log: {} samples of series it never named were skipped", this.unknownSeries);
		}
		this.metrics.walRecordsReplayed.add(records);
		return records;
	}

	@Override
	public void batch(StoredBatch batch) {
		if (!batch.id().isNone() && !this.batches.holds(batch.id())) {
			this.batches.addToHead(batch);
		}
	}

	@Override
	public void series(int ref, Labels labels) {
		HeadSeries existing = this.head.series(ref);
		if (existing == null) {
			this.head.create(ref, labels);
		}
		else if (!existing.labels().equals(labels)) {
			throw new CorruptionException("Series " + ref + " is " + existing.labels() + ", not " + labels);
		}
	}

	@Override
	public void floatSample(int ref, long t, double v) {
		append(ref, Sample.of(t, v));
	}

	@Override
	public void histogram(int ref, long t, Histogram h) {
		append(ref, Sample.of(t, h));
	}

	@Override
	public void floatHistogram(int ref, long t, FloatHistogram h) {
		append(ref, Sample.of(t, h));
	}

	@Override
	public void exemplar(int ref, Exemplar exemplar) {
		HeadSeries series = known(ref);
		if (series != null) {
			series.addExemplar(exemplar);
			this.head.appended(exemplar.timestamp());
		}
	}

	@Override
	public void created(int ref, long createdTimestamp, long minTime, long maxTime) {
		HeadSeries series = known(ref);
		if (series != null) {
			series.addCreated(createdTimestamp, minTime, maxTime);
		}
	}

	@Override
	public void metadata(MetricMetadata metadata) {
		this.head.putMetadata(metadata);
	}

	private @Nullable HeadSeries known(int ref) {
		HeadSeries series = this.head.series(ref);
		if (series == null) {
			this.unknownSeries++;
		}
		return series;
	}

	private void append(int ref, Sample sample) {
		HeadSeries series = known(ref);
		if (series == null) {
			return;
		}
		series.append(sample);
		this.head.appended(sample.timestamp());
	}


}
