package io.prometheusrelay.apiserver.grpc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import io.grpc.Status;
import io.prometheusrelay.apiserver.query.Selector;
import io.prometheusrelay.apiserver.wire.TimeSeriesEncoder;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.model.Matcher;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.WriteBatch;
import org.jspecify.annotations.Nullable;

/**
 * FOLLOW: LATEST, then what every new batch brings a matching series, as batches are stored, until
 * the call ends. It subscribes to the store before reading the newest samples, so a sample stored
 * meanwhile is sent (possibly twice) rather than missed. Stored batches wait in a bounded queue; a
 * follower so slow that the queue overflows is ended with RESOURCE_EXHAUSTED rather than allowed to
 * grow memory.
 */
final class FollowSource implements SeriesSource {

	private final Selector selector;

	private final BlockingQueue<WriteBatch> batches;

	private final int maxQueuedBatches;

	private final AutoCloseable subscription;

	private final LatestSource latest;

	private final Deque<TimeSeries> pending = new ArrayDeque<>();

	private volatile @Nullable Runnable wakeUp;

	private volatile @Nullable Status failure;

	FollowSource(Tsdb tsdb, Selector selector, int maxQueuedBatches) {
		this.selector = selector;
		this.batches = new ArrayBlockingQueue<>(maxQueuedBatches);
		this.maxQueuedBatches = maxQueuedBatches;
		this.subscription = tsdb.onCommit(this::stored);
		this.latest = new LatestSource(tsdb, selector);
	}

	/** On the store's writer thread: hand off and wake the call, nothing more. */
	private void stored(WriteBatch batch) {
		if (this.failure != null) {
			return;
		}
		if (!this.batches.offer(batch)) {
			this.failure = Status.RESOURCE_EXHAUSTED.withDescription(
					"follower too slow: more than " + this.maxQueuedBatches + " stored batches waiting; call again");
		}
		Runnable wakeUp = this.wakeUp;
		if (wakeUp != null) {
			wakeUp.run();
		}
	}

	@Override
	public void onAvailable(Runnable wakeUp) {
		this.wakeUp = wakeUp;
	}

	@Override
	public @Nullable TimeSeries next() {
		if (!this.latest.isExhausted()) {
			TimeSeries series = this.latest.next();
			if (series != null) {
				return series;
			}
		}
		while (this.pending.isEmpty()) {
			WriteBatch batch = this.batches.poll();
			if (batch == null) {
				return null;
			}
			for (SeriesWrite write : batch.series()) {
				if (matches(write)) {
					TimeSeriesEncoder.encode(write, this.pending::add);
				}
			}
		}
		return this.pending.poll();
	}

	private boolean matches(SeriesWrite write) {
		for (Matcher matcher : this.selector.matchers()) {
			if (!matcher.matches(write.labels())) {
				return false;
			}
		}
		return true;
	}

	@Override
	public boolean isExhausted() {
		return false;
	}

	@Override
	public Optional<Status> failure() {
		return Optional.ofNullable(this.failure);
	}

	@Override
	public void close() {
		this.latest.close();
		try {
			this.subscription.close();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		this.batches.clear();
	}

}
