package io.prometheusrelay.apiserver.grpc;

import java.util.Iterator;

import io.prometheusrelay.apiserver.query.SeriesSelector;
import io.prometheusrelay.apiserver.store.LatestIndex;
import io.prometheusrelay.apiserver.store.IndexedSeries;
import org.jspecify.annotations.Nullable;

/** LATEST: the newest sample of every matching series, walking the in-memory index lazily. */
final class LatestSource implements SeriesSource {

	private final Iterator<IndexedSeries> series;

	private final SeriesSelector selector;

	private boolean exhausted;

	/** Set when the call ends: a scan over many series that do not match stops at once, not at the end. */
	private volatile boolean closed;

	LatestSource(LatestIndex index, SeriesSelector selector) {
		this.series = index.iterator();
		this.selector = selector;
	}

	@Override
	public @Nullable IndexedSeries next() {
		while (!this.closed && this.series.hasNext()) {
			IndexedSeries next = this.series.next();
			if (this.selector.matches(next.key().encodedLabels())) {
				return next;
			}
		}
		this.exhausted = true;
		return null;
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
