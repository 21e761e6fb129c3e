package io.prometheusrelay.apiserver.grpc;

import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.prometheusrelay.apiserver.query.Selector;
import io.prometheusrelay.apiserver.wire.TimeSeriesEncoder;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.model.QueryCancelledException;
import io.prometheusrelay.tsdb.query.Querier;
import io.prometheusrelay.tsdb.query.SeriesChunks;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RANGE: every stored sample of every matching series with a timestamp in [start, end], series by
 * series in label order, each series' samples in time order. The engine reads only the blocks whose
 * time range overlaps the request, and in them only the matching series' chunks that overlap it. The
 * reading runs on a reader thread (never on the transport's) into a bounded queue, so a slow client
 * stalls the reader instead of filling memory; the reader stops as soon as the call ends.
 */
final class RangeSource implements SeriesSource {

	private static final Logger logger = LoggerFactory.getLogger(RangeSource.class);

	/** Samples in one TimeSeries at most. */
	static final int SAMPLES_PER_MESSAGE = 1000;

	private static final TimeSeries END = TimeSeries.getDefaultInstance();

	private final BlockingQueue<TimeSeries> queue;

	private final Semaphore readers;

	private final Querier querier;

	private final Selector selector;

	private volatile boolean closed;

	private volatile @Nullable Runnable wakeUp;

	private volatile @Nullable Status failure;

	private boolean exhausted;

	RangeSource(Tsdb tsdb, Selector selector, long start, long end, int queueCapacity, ExecutorService pool,
			Semaphore readers) {
		this.querier = tsdb.querier(start, end).cancelledWhen(() -> this.closed);
		this.selector = selector;
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
			Iterator<SeriesChunks> series = this.querier.select(this.selector.matchers());
			while (!this.closed && series.hasNext()) {
				SeriesChunks each = series.next();
				TimeSeriesEncoder.encode(each, this.querier.samples(each), SAMPLES_PER_MESSAGE, this::put);
			}
			put(END);
		}
		catch (QueryCancelledException ex) {
			// The call ended: nobody reads what would follow.
		}
		catch (RuntimeException ex) {
			logger.warn("RANGE read failed: {}", ex.toString());
			this.failure = Status.INTERNAL.withDescription("reading stored data failed: " + ex.getMessage());
			wake();
		}
		finally {
			this.readers.release();
		}
	}

	/**
	 * Waits for room, but gives up as soon as the call ends. Wakes the call only when the queue was
	 * empty: a drain that is running polls until the queue is empty, so it takes what follows.
	 */
	private void put(TimeSeries series) {
		try {
			while (!this.closed) {
				if (this.queue.offer(series, 100, TimeUnit.MILLISECONDS)) {
					if (series == END || this.queue.size() == 1) {
						wake();
					}
					return;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.closed = true;
		}
	}

	private void wake() {
		Runnable wakeUp = this.wakeUp;
		if (wakeUp != null) {
			wakeUp.run();
		}
	}

	@Override
	public @Nullable TimeSeries next() {
		TimeSeries next = this.queue.poll();
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
