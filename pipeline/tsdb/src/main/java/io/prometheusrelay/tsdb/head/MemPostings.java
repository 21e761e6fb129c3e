package io.prometheusrelay.tsdb.head;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

import io.prometheusrelay.tsdb.index.Postings;
import io.prometheusrelay.tsdb.index.PostingsIndex;
import io.prometheusrelay.tsdb.model.Labels;

/**
 * The head's postings: for every label pair, the references of the series that have it, in the order
 * series were created (references only grow, so each list stays sorted by appending).
 */
final class MemPostings implements PostingsIndex {

	private final Map<String, Map<String, RefList>> byName = new ConcurrentHashMap<>();

	private final RefList all = new RefList();

	void add(int ref, Labels labels) {
		for (int i = 0; i < labels.size(); i++) {
			this.byName.computeIfAbsent(labels.name(i), name -> new ConcurrentHashMap<>())
				.computeIfAbsent(labels.value(i), value -> new RefList())
				.add(ref);
		}
		this.all.add(ref);
	}

	/** Removes the series {@code removed} accepts, and the label pairs no series has any more. */
	void removeIf(IntPredicate removed) {
		this.all.removeIf(removed);
		for (Map<String, RefList> values : this.byName.values()) {
			values.values().forEach(list -> list.removeIf(removed));
			values.values().removeIf(RefList::isEmpty);
		}
		this.byName.values().removeIf(Map::isEmpty);
	}

	@Override
	public Postings allPostings() {
		return this.all.snapshot();
	}

	@Override
	public Postings postings(String name, String value) {
		Map<String, RefList> values = this.byName.get(name);
		RefList list = (values != null) ? values.get(value) : null;
		return (list != null) ? list.snapshot() : Postings.EMPTY;
	}

	@Override
	public Postings postingsMatching(String name, Predicate<String> matches) {
		Map<String, RefList> values = this.byName.get(name);
		if (values == null) {
			return Postings.EMPTY;
		}
		List<Postings> selected = new ArrayList<>();
		values.forEach((value, list) -> {
			if (matches.test(value)) {
				selected.add(list.snapshot());
			}
		});
		return Postings.unionAll(selected);
	}

	/** Distinct label pairs. */
	int pairs() {
		return this.byName.values().stream().mapToInt(Map::size).sum();
	}

	/** A sorted list of references that grows at the end. */
	private static final class RefList {

		private int[] refs = new int[2];

		private int size;

		synchronized void add(int ref) {
			if (this.size == this.refs.length) {
				this.refs = Arrays.copyOf(this.refs, this.size * 2);
			}
			this.refs[this.size++] = ref;
		}

		synchronized void removeIf(IntPredicate removed) {
			int kept = 0;
			for (int i = 0; i < this.size; i++) {
				if (!removed.test(this.refs[i])) {
					this.refs[kept++] = this.refs[i];
				}
			}
			this.size = kept;
		}

		synchronized boolean isEmpty() {
			return this.size == 0;
		}

		synchronized Postings snapshot() {
			return Postings.ofSorted(Arrays.copyOf(this.refs, this.size));
		}

	}

}
