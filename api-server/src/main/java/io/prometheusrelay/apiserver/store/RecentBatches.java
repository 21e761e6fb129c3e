package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The identities of the most recently stored batches, so that a batch delivered again (a retry, a
 * replay) is acknowledged without being stored twice. Bounded by count, oldest forgotten first.
 * Used by the store's writer thread only (and by recovery before it starts).
 * <p>
 * Redelivery is of recent batches: a sender's retry after a lost answer, or the forwarder
 * resending what was in flight when a connection, or this server, went away, however long ago that
 * was. So the window is counted in batches stored, not in time: after an outage of hours, the last
 * batches stored before it are still the newest here.
 */
final class RecentBatches {

	private final int maxBatches;

	private final LinkedHashSet<BatchId> stored = new LinkedHashSet<>();

	RecentBatches(int maxBatches) {
		this.maxBatches = maxBatches;
	}

	boolean contains(BatchId id) {
		return this.stored.contains(id);
	}

	/** Remembers a stored batch, forgetting the oldest past the bound. */
	void add(BatchId id) {
		if (this.maxBatches == 0 || !this.stored.add(id)) {
			return;
		}
		if (this.stored.size() > this.maxBatches) {
			Iterator<BatchId> oldest = this.stored.iterator();
			oldest.next();
			oldest.remove();
		}
	}

	/**
	 * Remembers the newest batches of {@code segments} (oldest first), reading back from the newest
	 * segment only as far as the bound needs: usually the last one or two, still in the page cache.
	 */
	void rememberNewest(List<Path> segments) throws IOException {
		Deque<List<BatchId>> newestLast = new ArrayDeque<>();
		int remembered = 0;
		for (int i = segments.size() - 1; i >= 0 && remembered < this.maxBatches; i--) {
			List<BatchId> ids = new ArrayList<>();
			try (SegmentReader reader = SegmentReader.open(segments.get(i))) {
				Optional<byte[]> record;
				while ((record = reader.next()).isPresent()) {
					ids.add(BatchId.of(record.get()));
				}
			}
			newestLast.addFirst(ids);
			remembered += ids.size();
		}
		newestLast.forEach(ids -> ids.forEach(this::add));
	}

	int size() {
		return this.stored.size();
	}

}
