package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.prometheusrelay.log.GroupCommitter;
import io.prometheusrelay.log.SegmentedLog;
import io.prometheusrelay.tsdb.head.AppendOutcome;
import io.prometheusrelay.tsdb.head.Head;
import io.prometheusrelay.tsdb.head.HeadSeries;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.StoredBatch;
import io.prometheusrelay.tsdb.model.WriteBatch;
import io.prometheusrelay.tsdb.wal.WalRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's writer, on the group committer's thread: for each group of batches, leaves out those
 * held already, finds or creates their series, writes one log record per batch with one write, forces
 * it per the fsync policy, applies the samples to the head, and only then completes the batches. A
 * series created by a batch whose write failed is written again, labels and all, by the next batch
 * that brings it. Work other threads need done on this thread is queued in its {@link WriterTasks}.
 */
final class HeadWriter implements GroupCommitter.Handler<HeadWriter.Pending> {

	private static final Logger logger = LoggerFactory.getLogger(HeadWriter.class);

	/** Series whose appends {@link #touchAhead} prepares together. */
	private static final int AHEAD = 16;

	private final TsdbOptions options;

	private final Head head;

	private final SegmentedLog wal;

	private final BatchIndex batches;

	private final TsdbMetrics metrics;

	/** Series whose labels are in no log record yet. */
	private final Set<Integer> unlogged = new HashSet<>();

	private final WalRecord record = new WalRecord();

	/** What {@link #touchAhead} read, kept only so that the compiler keeps the reads. */
	private int touched;

	private final WriterTasks tasks = new WriterTasks();

	private final List<Consumer<WriteBatch>> listeners = new CopyOnWriteArrayList<>();

	private long lastFsyncNanos = System.nanoTime();

	private volatile @Nullable String lastWriteFailure;

	private final Clock clock;

	private final Backfill backfill;

	HeadWriter(TsdbOptions options, Head head, SegmentedLog wal, BatchIndex batches, TsdbMetrics metrics,
			Clock clock, Backfill backfill) {
		this.backfill = backfill;
		this.options = options;
		this.clock = clock;
		this.head = head;
		this.wal = wal;
		this.batches = batches;
		this.metrics = metrics;
	}

	/** A batch waiting for the writer; {@code relayed} ones (not copies from a peer) are told to listeners. */
	record Pending(WriteBatch batch, boolean relayed, CompletableFuture<AppendResult> done) {
	}

	/** Work other threads need done on this writer's thread, between groups. */
	WriterTasks tasks() {
		return this.tasks;
	}

	AutoCloseable onCommit(Consumer<WriteBatch> listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	@Nullable String lastWriteFailure() {
		return this.lastWriteFailure;
	}

	@Override
	public void commit(List<Pending> group) {
		List<Pending> fresh = new ArrayList<>(group.size());
		Set<BatchId> inGroup = new HashSet<>();
		for (Pending pending : group) {
			BatchId id = pending.batch().id();
			if (this.options.deduplicate() && !id.isNone() && (this.batches.holds(id) || !inGroup.add(id))) {
				this.metrics.batchesDuplicate.increment();
				pending.done().complete(AppendResult.DUPLICATE);
			}
			else {
				fresh.add(pending);
			}
		}
		if (!fresh.isEmpty()) {
			List<HeadSeries[]> series = new ArrayList<>(fresh.size());
			List<StoredBatch> stored = new ArrayList<>(fresh.size());
			if (log(fresh, series, stored)) {
				apply(fresh, series, stored);
			}
		}
		this.tasks.runAll();
	}

	/** Writes the batches' records; false, with every batch failed, if the log refused them. */
	private boolean log(List<Pending> fresh, List<HeadSeries[]> seriesOf, List<StoredBatch> stored) {
		List<ByteBuffer> payloads = new ArrayList<>(fresh.size());
		Set<Integer> loggedNow = new HashSet<>();
		for (Pending pending : fresh) {
			WriteBatch batch = pending.batch();
			HeadSeries[] series = new HeadSeries[batch.series().size()];
			this.head.findByKeys(batch.series(), series);
			this.record.reset(batch.firstSampleTime());
			for (int i = 0; i < series.length; i++) {
				SeriesWrite write = batch.series().get(i);
				// One at a time from here: a series created by a write is found by the next write for it.
				HeadSeries each = (series[i] != null) ? series[i] : this.head.series(write);
				if (each == null) {
					each = this.head.create(write);
					this.unlogged.add(each.ref());
				}
				if (!this.unlogged.isEmpty() && this.unlogged.contains(each.ref()) && loggedNow.add(each.ref())) {
					this.record.series(each.ref(), each.labels());
				}
				series[i] = each;
				for (Sample sample : write.samples()) {
					switch (sample.type()) {
						case FLOAT -> this.record.floatSample(each.ref(), sample.timestamp(), sample.value());
						case HISTOGRAM -> this.record.histogram(each.ref(), sample.timestamp(), sample.histogram());
						case FLOAT_HISTOGRAM -> this.record.floatHistogram(each.ref(), sample.timestamp(),
								sample.floatHistogram());
						case NONE -> throw new IllegalArgumentException("A sample without a value");
					}
				}
				for (Exemplar exemplar : write.exemplars()) {
					this.record.exemplar(each.ref(), exemplar);
				}
				if (write.createdTimestamp() != 0 && !write.samples().isEmpty()) {
					this.record.created(each.ref(), write.createdTimestamp(), write.sampleMinTime(), write.sampleMaxTime());
				}
			}
			batch.metadata().forEach(this.record::metadata);
			seriesOf.add(series);
			StoredBatch entry = new StoredBatch(batch.id(), batch.minTime(), batch.maxTime(), this.clock.millis());
			stored.add(entry);
			ByteBuffer payload = this.record.encode(entry);
			this.metrics.walBytesWritten.add(payload.remaining());
			payloads.add(payload);
		}
		try {
			this.wal.append(payloads);
			if (this.options.fsync() == FsyncPolicy.BATCH) {
				fsync();
			}
		}
		catch (IOException ex) {
			this.metrics.walWriteErrors.increment();
			this.lastWriteFailure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
			logger.warn("Write-ahead log {}: write of {} batches failed: {}", this.options.dataDir(), fresh.size(),
					ex.getMessage());
			fresh.forEach(pending -> pending.done().completeExceptionally(ex));
			return false;
		}
		this.unlogged.removeAll(loggedNow);
		this.lastWriteFailure = null;
		return true;
	}

	private void apply(List<Pending> fresh, List<HeadSeries[]> seriesOf, List<StoredBatch> stored) {
		for (int b = 0; b < fresh.size(); b++) {
			Pending pending = fresh.get(b);
			WriteBatch batch = pending.batch();
			HeadSeries[] series = seriesOf.get(b);
			int samples = 0;
			int[] outcomes = new int[AppendOutcome.values().length];
			long min = Long.MAX_VALUE;
			long max = Long.MIN_VALUE;
			for (int i = 0; i < series.length; i++) {
				if (i % AHEAD == 0) {
					touchAhead(series, i);
				}
				SeriesWrite write = batch.series().get(i);
				for (Sample sample : write.samples()) {
					outcomes[series[i].append(sample).ordinal()]++;
					min = Math.min(min, sample.timestamp());
					max = Math.max(max, sample.timestamp());
					samples++;
				}
				for (Exemplar exemplar : write.exemplars()) {
					series[i].addExemplar(exemplar);
					min = Math.min(min, exemplar.timestamp());
					max = Math.max(max, exemplar.timestamp());
				}
				if (write.createdTimestamp() != 0 && !write.samples().isEmpty()) {
					series[i].addCreated(write.createdTimestamp(), write.sampleMinTime(), write.sampleMaxTime());
				}
			}
			if (min <= max) {
				// One update of the head's shared time range per batch, not per sample.
				this.head.appended(min);
				this.head.appended(max);
			}
			batch.metadata().forEach(this.head::putMetadata);
			this.backfill.appended(batch.minTime(), samples);
			if (!batch.id().isNone()) {
				this.batches.addToHead(stored.get(b));
			}
			this.metrics.batchesCommitted.increment();
			// Durable already: followers hear of it no later than the sender gets its answer.
			if (pending.relayed()) {
				for (Consumer<WriteBatch> listener : this.listeners) {
					listener.accept(batch);
				}
			}
			// Counted before the batch is answered, so that whoever waits for it sees its samples counted.
			this.metrics.samplesAppended(outcomes);
			pending.done().complete(new AppendResult(false, samples));
		}
	}

	/**
	 * Loads what the next {@link #AHEAD} appends write before the first of them: each append waits for
	 * its own series' cache misses one after the other (its lock is a fenced write), but these loads, of
	 * different series, are in flight together.
	 */
	private void touchAhead(HeadSeries[] series, int from) {
		int sink = 0;
		for (int i = from; i < Math.min(from + AHEAD, series.length); i++) {
			sink += series[i].touch();
		}
		this.touched += sink;
	}

	private void fsync() throws IOException {
		long start = System.nanoTime();
		this.wal.force();
		this.metrics.walFsyncs.increment();
		this.metrics.walFsyncNanos.add(System.nanoTime() - start);
		this.lastFsyncNanos = System.nanoTime();
	}

	@Override
	public void idle() {
		if (this.options.fsync() == FsyncPolicy.INTERVAL
				&& System.nanoTime() - this.lastFsyncNanos >= this.options.fsyncInterval().toNanos()) {
			try {
				fsync();
			}
			catch (IOException ex) {
				// What was acknowledged may or may not be on disk; the log starts a new segment.
				this.metrics.walWriteErrors.increment();
				this.lastWriteFailure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
				logger.warn("Write-ahead log {}: interval fsync failed: {}", this.options.dataDir(), ex.getMessage());
			}
		}
		this.tasks.runAll();
	}

	@Override
	public void refuse(Pending pending) {
		pending.done().completeExceptionally(new StoreBusyException("the store is closing"));
	}

}
