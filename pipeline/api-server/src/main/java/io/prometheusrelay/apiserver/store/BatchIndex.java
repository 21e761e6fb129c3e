package io.prometheusrelay.apiserver.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The identity of every batch the store holds, segment by segment, with where its record is. It
 * makes redelivery idempotent for as long as the store keeps a batch, however late it comes again:
 * a sender's retry, the forwarder's replay after an outage of hours, a batch copied from a peer that
 * the forwarder then delivers as well. And it is the inventory a peer compares against to catch up.
 * <p>
 * 110 to 124 bytes of heap per batch (measured, BENCHMARKS.md): 2.3 MB for a full 10 GB store of
 * Prometheus-sized (550 KB) batches, 120 MB for a million batches. The store's writer thread adds and removes; inventory reads
 * come from gRPC threads.
 */
public final class BatchIndex {

	/**
	 * One stored batch.
	 * @param id its identity
	 * @param offset where its record starts in the segment file
	 * @param size bytes of its payload
	 * @param newestSample the newest sample timestamp it carries (ms), {@link Long#MIN_VALUE} if none
	 * @param stored when it was stored (ms); at recovery, when its segment was last written
	 */
	public record Entry(BatchId id, long offset, int size, long newestSample, long stored) {
	}

	/** The batches of one segment, in record order. */
	public record Segment(String name, List<Entry> entries) {
	}

	private final Set<BatchId> ids = ConcurrentHashMap.newKeySet();

	/** Segment file name to its batches; names sort in creation order. */
	private final Map<String, List<Entry>> segments = new ConcurrentSkipListMap<>();

	boolean contains(BatchId id) {
		return this.ids.contains(id);
	}

	/** Records a batch stored in {@code segment}; false if a batch with its identity is held already. */
	boolean add(String segment, Entry entry) {
		if (!this.ids.add(entry.id())) {
			return false;
		}
		List<Entry> entries = this.segments.computeIfAbsent(segment, name -> new ArrayList<>());
		synchronized (entries) {
			entries.add(entry);
		}
		return true;
	}

	/** The newest sample of any batch of {@code segment} ({@link Long#MIN_VALUE} if none). */
	long newestSample(String segment) {
		List<Entry> entries = this.segments.get(segment);
		if (entries == null) {
			return Long.MIN_VALUE;
		}
		synchronized (entries) {
			return entries.stream().mapToLong(Entry::newestSample).max().orElse(Long.MIN_VALUE);
		}
	}

	/** Forgets a deleted segment's batches. */
	void remove(String segment) {
		List<Entry> entries = this.segments.remove(segment);
		if (entries != null) {
			synchronized (entries) {
				entries.forEach(entry -> this.ids.remove(entry.id()));
			}
		}
	}

	/** The batch of {@code segment} with identity {@code id} at {@code offset}, if held. */
	Optional<Entry> find(String segment, long offset, BatchId id) {
		List<Entry> entries = this.segments.get(segment);
		if (entries == null || !this.ids.contains(id)) {
			return Optional.empty();
		}
		synchronized (entries) {
			// Records are added in file order, so the entries are sorted by offset.
			int low = 0;
			int high = entries.size() - 1;
			while (low <= high) {
				int middle = (low + high) >>> 1;
				Entry entry = entries.get(middle);
				if (entry.offset() < offset) {
					low = middle + 1;
				}
				else if (entry.offset() > offset) {
					high = middle - 1;
				}
				else {
					return entry.id().equals(id) ? Optional.of(entry) : Optional.empty();
				}
			}
			return Optional.empty();
		}
	}

	/** A snapshot of every segment's batches, oldest segment first. */
	List<Segment> snapshot() {
		List<Segment> snapshot = new ArrayList<>();
		this.segments.forEach((name, entries) -> {
			synchronized (entries) {
				snapshot.add(new Segment(name, List.copyOf(entries)));
			}
		});
		return snapshot;
	}

	int size() {
		return this.ids.size();
	}

}
