package io.prometheusrelay.apiserver.grpc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

import io.prometheusrelay.apiserver.query.Selector;
import io.prometheusrelay.apiserver.wire.TimeSeriesEncoder;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.model.QueryCancelledException;
import io.prometheusrelay.tsdb.query.LatestSeries;
import org.jspecify.annotations.Nullable;

/**
 * LATEST: the newest sample of every matching series, with its created timestamp, and its newest
 * exemplar, whether the series is in the head or only in blocks; read as the client takes them.
 */
final class LatestSource implements SeriesSource {

	private final Tsdb tsdb;

	private final Selector selector;

	/** Opened by the first {@link #next()}, on the thread that drains the call, not the handler's. */
	private @Nullable Iterator<LatestSeries> series;

	private final Deque<TimeSeries> pending = new ArrayDeque<>(2);

	private boolean exhausted;

	/** Set when the call ends: a read of many series stops at once, not at the end. */
	private volatile boolean closed;

	LatestSource(Tsdb tsdb, Selector selector) {
		this.tsdb = tsdb;
		this.selector = selector;
	}

	@Override
	public @Nullable TimeSeries next() {
		try {
			Iterator<LatestSeries> series = this.series;
			if (series == null) {
				series = this.tsdb.querier(Long.MIN_VALUE, Long.MAX_VALUE)
					.cancelledWhen(() -> this.closed)
					.selectLatest(this.selector.matchers());
				this.series = series;
			}
			while (this.pending.isEmpty() && !this.closed && series.hasNext()) {
				TimeSeriesEncoder.encode(series.next(), this.pending::add);
			}
		}
		catch (QueryCancelledException ex) {
			this.pending.clear();
		}
		TimeSeries next = this.pending.poll();
		if (next == null) {
			this.exhausted = true;
		}
		return next;
	}

	@Override
	public boolean isExhausted() {
		return this.exhausted;
	}

	@Override
	public void close() {
		this.closed = true;
	}

}
