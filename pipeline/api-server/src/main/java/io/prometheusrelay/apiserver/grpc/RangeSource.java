package io.prometheusrelay.apiserver.grpc;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.prometheusrelay.apiserver.query.SeriesSelector;
import io.prometheusrelay.apiserver.store.IndexedSeries;
import io.prometheusrelay.apiserver.store.SegmentFiles;
import io.prometheusrelay.apiserver.store.SegmentReader;
import io.prometheusrelay.apiserver.store.SeriesKey;
import io.prometheusrelay.protocol.remotewrite.EncodedSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequestReader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RANGE: every stored sample of every matching series with a timestamp in [start, end], read from
 * the segment files in order. The files are read on a reader thread (never on the transport's) into
 * a bounded queue, so a slow client stalls the reader instead of filling memory; the reader stops as
 * soon as the call ends.
 */
final class RangeSource implements SeriesSource {

	private static final Logger logger = LoggerFactory.getLogger(RangeSource.class);

	/**
	 * A segment last written before {@code start - margin} holds no sample at or after start: samples
	 * are stamped before they are stored, give or take the receiver's future-skew limit (10 min by
	 * default), which this margin covers with room to spare.
	 */
	private static final Duration SKIP_MARGIN = Duration.ofHours(1);

	private static final IndexedSeries END = new IndexedSeries(SeriesKey.of(java.util.Map.of()), 0, 0);

	private final BlockingQueue<IndexedSeries> queue;

	private final Semaphore readers;

	private volatile boolean closed;

	private volatile @Nullable Runnable wakeUp;

	private volatile @Nullable Status failure;

	private boolean exhausted;

	private final Path dataDir;

	private final SeriesSelector selector;

	private final long start;

	private final long end;

	RangeSource(Path dataDir, SeriesSelector selector, long start, long end, int queueCapacity, ExecutorService pool,
			Semaphore readers) {
		this.dataDir = dataDir;
		this.selector = selector;
		this.start = start;
		this.end = end;
		this.queue = new ArrayBlockingQueue<>(queueCapacity);
		this.readers = readers;
		pool.execute(this::read);
	}

	@Override
	public void onAvailable(Runnable wakeUp) {
		this.wakeUp = wakeUp;
	}

	private void read() {
		try {
			Instant oldestUseful = Instant.ofEpochMilli(this.start).minus(SKIP_MARGIN);
			List<Path> segments = SegmentFiles.list(this.dataDir);
			for (Path segment : segments) {
				if (this.closed) {
					return;
				}
				readSegment(segment, oldestUseful);
			}
			put(END);
		}
		catch (IOException ex) {
			logger.warn("RANGE read of {} failed: {}", this.dataDir, ex.getMessage());
			this.failure = Status.INTERNAL.withDescription("reading stored segments failed: " + ex.getMessage());
			wake();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.readers.release();
		}
	}

	private void readSegment(Path segment, Instant oldestUseful) throws IOException, InterruptedException {
		try (SegmentReader reader = SegmentReader.open(segment)) {
			if (java.nio.file.Files.getLastModifiedTime(segment).toInstant().isBefore(oldestUseful)) {
				return;
			}
			Optional<byte[]> record;
			while (!this.closed && (record = reader.next()).isPresent()) {
				select(record.get());
			}
		}
		catch (NoSuchFileException ex) {
			// Deleted by retention since it was listed: nothing in it to read.
		}
	}

	private void select(byte[] record) throws InterruptedException {
		Selection selection = new Selection();
		try {
			WriteRequestReader.read(record, selection);
		}
		catch (InvalidProtocolBufferException ex) {
			logger.warn("RANGE: a stored record is not a valid WriteRequest ({}); skipped", ex.getMessage());
			return;
		}
		for (IndexedSeries series : selection.selected) {
			put(series);
		}
	}

	/** Collects the record's samples in range of matching series; the view is only valid inside the visit. */
	private final class Selection implements WriteRequestReader.Visitor {

		final List<IndexedSeries> selected = new java.util.ArrayList<>();

		/** Whether the series being visited matches: null until its first sample in range asks. */
		private @Nullable Boolean matches;

		private @Nullable SeriesKey key;

		@Override
		public void series(EncodedSeries series) {
			this.matches = null;
			this.key = null;
			for (int i = 0; i < series.sampleCount(); i++) {
				long timestamp = series.sampleTimestamp(i);
				if (inRange(timestamp) && matches(series)) {
					this.selected.add(new IndexedSeries(this.key, series.sampleValue(i), timestamp)
						.created(series.createdTimestamp()));
				}
			}
			for (int i = 0; i < series.histogramCount(); i++) {
				long timestamp = series.histogramTimestamp(i);
				if (inRange(timestamp) && matches(series)) {
					this.selected.add(IndexedSeries.histogram(this.key, timestamp, series.histogram(i))
						.created(series.createdTimestamp()));
				}
			}
			for (int i = 0; i < series.exemplarCount(); i++) {
				long timestamp = series.exemplarTimestamp(i);
				if (inRange(timestamp) && matches(series)) {
					this.selected.add(IndexedSeries.exemplar(this.key, timestamp, series.exemplar(i)));
				}
			}
		}

		private boolean inRange(long timestamp) {
			return timestamp >= RangeSource.this.start && timestamp <= RangeSource.this.end;
		}

		/**
		 * Whether the series matches: decided at its first sample in range, and its key made then only
		 * when it does (most series a RANGE scan meets do not).
		 */
		private boolean matches(EncodedSeries series) {
			if (this.matches == null) {
				byte[] labels = series.canonicalLabels();
				this.matches = RangeSource.this.selector.matches(labels);
				this.key = this.matches ? SeriesKey.fromEncoded(labels) : null;
			}
			return this.matches;
		}

	}

	/**
	 * Waits for room, but gives up as soon as the call ends. Wakes the call only when the queue was
	 * empty: a drain that is running polls until the queue is empty, so it takes what follows.
	 */
	private void put(IndexedSeries series) throws InterruptedException {
		while (!this.closed) {
			if (this.queue.offer(series, 100, TimeUnit.MILLISECONDS)) {
				if (series == END || this.queue.size() == 1) {
					wake();
				}
				return;
			}
		}
	}

	private void wake() {
		Runnable wakeUp = this.wakeUp;
		if (wakeUp != null) {
			wakeUp.run();
		}
	}

	@Override
	public @Nullable IndexedSeries next() {
		IndexedSeries next = this.queue.poll();
		if (next == END) {
			this.exhausted = true;
			return null;
		}
		return next;
	}

	@Override
	public boolean isExhausted() {
		return this.exhausted;
	}

	@Override
	public Optional<Status> failure() {
		return Optional.ofNullable(this.failure);
	}

	@Override
	public void close() {
		this.closed = true;
		this.queue.clear();
	}

}
