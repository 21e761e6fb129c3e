package io.prometheusrelay.apiserver.grpc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.prometheusrelay.apiserver.query.SeriesSelector;
import io.prometheusrelay.apiserver.store.IndexedSeries;
import io.prometheusrelay.apiserver.store.SegmentStore;
import io.prometheusrelay.apiserver.store.SeriesKey;
import io.prometheusrelay.protocol.remotewrite.EncodedSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequestReader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FOLLOW: LATEST, then every new sample of a matching series as batches are stored, until the call
 * ends. It subscribes to the store before walking the index, so a sample stored meanwhile is sent
 * (possibly twice) rather than missed. Stored batches wait in a bounded queue; a follower so slow
 * that the queue overflows is ended with RESOURCE_EXHAUSTED rather than allowed to grow memory.
 */
final class FollowSource implements SeriesSource {

	private static final Logger logger = LoggerFactory.getLogger(FollowSource.class);

	private final SeriesSelector selector;

	private final BlockingQueue<byte[]> batches;

	private final int maxQueuedBatches;

	private final AutoCloseable subscription;

	private final LatestSource latest;

	private final Deque<IndexedSeries> pending = new ArrayDeque<>();

	private volatile @Nullable Runnable wakeUp;

	private volatile @Nullable Status failure;

	FollowSource(SegmentStore store, SeriesSelector selector, int maxQueuedBatches) {
		this.selector = selector;
		this.batches = new ArrayBlockingQueue<>(maxQueuedBatches);
		this.maxQueuedBatches = maxQueuedBatches;
		this.subscription = store.onCommit(this::stored);
		this.latest = new LatestSource(store.index(), selector);
	}

	/** On the store's writer thread: hand off and wake the call, nothing more. */
	private void stored(byte[] batch) {
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
	public @Nullable IndexedSeries next() {
		if (!this.latest.isExhausted()) {
			IndexedSeries series = this.latest.next();
			if (series != null) {
				return series;
			}
		}
		while (this.pending.isEmpty()) {
			byte[] batch = this.batches.poll();
			if (batch == null) {
				return null;
			}
			select(batch);
		}
		return this.pending.poll();
	}

	private void select(byte[] batch) {
		try {
			WriteRequestReader.read(batch, this::select);
		}
		catch (InvalidProtocolBufferException ex) {
			logger.warn("FOLLOW: a stored batch is not a valid WriteRequest ({}); skipped", ex.getMessage());
		}
	}

	private void select(EncodedSeries series) {
		if (series.sampleCount() == 0 && series.histogramCount() == 0 && series.exemplarCount() == 0) {
			return;
		}
		byte[] labels = series.canonicalLabels();
		if (!this.selector.matches(labels)) {
			return;
		}
		SeriesKey key = SeriesKey.fromEncoded(labels);
		for (int i = 0; i < series.sampleCount(); i++) {
			this.pending.add(new IndexedSeries(key, series.sampleValue(i), series.sampleTimestamp(i))
				.created(series.createdTimestamp()));
		}
		for (int i = 0; i < series.histogramCount(); i++) {
			this.pending.add(IndexedSeries.histogram(key, series.histogramTimestamp(i), series.histogram(i))
				.created(series.createdTimestamp()));
		}
		for (int i = 0; i < series.exemplarCount(); i++) {
			this.pending.add(IndexedSeries.exemplar(key, series.exemplarTimestamp(i), series.exemplar(i)));
		}
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
