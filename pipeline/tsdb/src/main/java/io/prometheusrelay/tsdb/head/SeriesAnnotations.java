package io.prometheusrelay.tsdb.head;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import org.jspecify.annotations.Nullable;

/**
 * What a head series holds besides its samples: its exemplars, by timestamp, and the created
 * timestamps of its samples, as ranges (one per run of equal ones). Guarded by the series' lock.
 */
final class SeriesAnnotations {

	private final TreeMap<Long, List<Exemplar>> exemplars = new TreeMap<>();

	/** Sorted by minTime; neighbours with the same created timestamp are merged. */
	private final List<CreatedRange> created = new ArrayList<>();

	/** Adds an exemplar; false when the series holds it already. */
	boolean addExemplar(Exemplar exemplar) {
		List<Exemplar> at = this.exemplars.computeIfAbsent(exemplar.timestamp(), t -> new ArrayList<>(1));
		if (at.contains(exemplar)) {
			return false;
		}
		at.add(exemplar);
		return true;
	}

	void addCreated(CreatedRange range) {
		int i = 0;
		while (i < this.created.size() && this.created.get(i).minTime() <= range.minTime()) {
			i++;
		}
		this.created.add(i, range);
		mergeNeighbours();
	}

	private void mergeNeighbours() {
		for (int i = this.created.size() - 1; i > 0; i--) {
			CreatedRange before = this.created.get(i - 1);
			CreatedRange after = this.created.get(i);
			if (before.createdTimestamp() == after.createdTimestamp()) {
				this.created.set(i - 1, new CreatedRange(before.createdTimestamp(), before.minTime(),
						Math.max(before.maxTime(), after.maxTime())));
				this.created.remove(i);
			}
		}
	}

	boolean isEmpty() {
		return this.exemplars.isEmpty() && this.created.isEmpty();
	}

	long minTime() {
		long min = this.exemplars.isEmpty() ? Long.MAX_VALUE : this.exemplars.firstKey();
		return this.created.isEmpty() ? min : Math.min(min, this.created.get(0).minTime());
	}

	List<Exemplar> exemplars(long mint, long maxt) {
		List<Exemplar> selected = new ArrayList<>();
		for (List<Exemplar> at : this.exemplars.subMap(mint, true, maxt, true).values()) {
			selected.addAll(at);
		}
		return selected;
	}

	@Nullable Exemplar newestExemplar() {
		Map.Entry<Long, List<Exemplar>> last = this.exemplars.lastEntry();
		return (last != null) ? last.getValue().get(last.getValue().size() - 1) : null;
	}

	/** The created ranges that overlap [mint, maxt], cut to it. */
	List<CreatedRange> created(long mint, long maxt) {
		List<CreatedRange> selected = new ArrayList<>();
		for (CreatedRange range : this.created) {
			if (range.overlaps(mint, maxt)) {
				selected.add(new CreatedRange(range.createdTimestamp(), Math.max(range.minTime(), mint),
						Math.min(range.maxTime(), maxt)));
			}
		}
		return selected;
	}

	/** Every created range, for a checkpoint. */
	List<CreatedRange> allCreated() {
		return List.copyOf(this.created);
	}

	/** Drops what is before {@code t}, now that it is in a block; ranges across {@code t} keep their later part. */
	void releaseBefore(long t, List<Exemplar> compacted) {
		for (Exemplar exemplar : compacted) {
			List<Exemplar> at = this.exemplars.get(exemplar.timestamp());
			if (at != null && at.remove(exemplar) && at.isEmpty()) {
				this.exemplars.remove(exemplar.timestamp());
			}
		}
		for (int i = this.created.size() - 1; i >= 0; i--) {
			CreatedRange range = this.created.get(i);
			if (range.maxTime() < t) {
				this.created.remove(i);
			}
			else if (range.minTime() < t) {
				this.created.set(i, new CreatedRange(range.createdTimestamp(), t, range.maxTime()));
			}
		}
	}

}
