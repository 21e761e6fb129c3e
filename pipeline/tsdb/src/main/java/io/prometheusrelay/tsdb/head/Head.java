package io.prometheusrelay.tsdb.head;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.prometheusrelay.tsdb.index.Postings;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Matcher;
import io.prometheusrelay.tsdb.model.MetricMetadata;
import io.prometheusrelay.tsdb.model.SeriesKey;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.query.ChunkSource;
import io.prometheusrelay.tsdb.query.SeriesChunks;
import org.jspecify.annotations.Nullable;

/**
 * The series in memory: found by their key or labels when samples arrive, by their reference when
 * the write-ahead log is replayed, and by postings when they are read. Series are created and removed
 * by one thread, the engine's writer; readers and the compactor work on snapshots of each series.
 * <p>
 * A series is found by its {@link SeriesKey} first: comparing the bytes a batch brings costs far less
 * than decoding them into labels and comparing those. A series learns its key from the first write
 * that has one; series replayed from the log have none until then.
 */
public final class Head implements ChunkSource {

	private final long blockRange;

	private final Map<Labels, HeadSeries> byLabels = new ConcurrentHashMap<>();

	private final Map<Integer, HeadSeries> byRef = new ConcurrentHashMap<>();

	/** Writer thread only. */
	private final SeriesKeyTable byKey = new SeriesKeyTable();

	private final MemPostings postings = new MemPostings();

	private int nextRef = 1;

	/** Each metric family's newest metadata. */
	private final Map<String, MetricMetadata> metadata = new ConcurrentHashMap<>();

	private final AtomicLong minTime = new AtomicLong(Long.MAX_VALUE);

	private final AtomicLong maxTime = new AtomicLong(Long.MIN_VALUE);

	public Head(long blockRange) {
		this.blockRange = blockRange;
	}

	public long blockRange() {
		return this.blockRange;
	}

	/** The series with these labels, or null. */
	public @Nullable HeadSeries series(Labels labels) {
		return this.byLabels.get(labels);
	}

	/**
	 * The series of each keyed write of a batch that the head knows by its key, at the same index of
	 * {@code into}; null elsewhere. A write found is given its series' labels. The whole batch is
	 * looked up at once so that the table's cache misses overlap ({@link SeriesKeyTable}); what it
	 * leaves null goes to {@link #series(SeriesWrite)}, one write at a time. Writer thread only.
	 */
	public void findByKeys(List<SeriesWrite> writes, @Nullable HeadSeries[] into) {
		this.byKey.find(writes, into);
		for (int i = 0; i < writes.size(); i++) {
			HeadSeries found = into[i];
			if (found != null) {
				writes.get(i).resolved(found.labels());
			}
		}
	}

	/**
	 * The series {@code write} is for, or null: by its key when it has one, else by its labels. A
	 * series found by its labels learns the write's key. Writer thread only.
	 */
	public @Nullable HeadSeries series(SeriesWrite write) {
		SeriesKey key = write.key();
		if (key != null) {
			HeadSeries found = this.byKey.get(key);
			if (found != null) {
				write.resolved(found.labels());
				return found;
			}
		}
		HeadSeries found = this.byLabels.get(write.labels());
		if (found != null && key != null) {
			this.byKey.put(key, found);
		}
		return found;
	}

	/** Creates the series {@code write} is for, under the next reference. Writer thread only. */
	public HeadSeries create(SeriesWrite write) {
		HeadSeries series = create(write.labels());
		SeriesKey key = write.key();
		if (key != null) {
			this.byKey.put(key, series);
		}
		return series;
	}

	public @Nullable HeadSeries series(int ref) {
		return this.byRef.get(ref);
	}

	/** Creates a series under the next reference. Writer thread only. */
	public HeadSeries create(Labels labels) {
		return create(this.nextRef, labels);
	}

	/**
	 * Creates a series under a reference from the write-ahead log. Writer thread only.
	 * @throws IllegalStateException if the labels or the reference are taken
	 */
	public HeadSeries create(int ref, Labels labels) {
		if (this.byRef.containsKey(ref)) {
			throw new IllegalStateException("Series reference " + ref + " is taken");
		}
		if (this.byLabels.containsKey(labels)) {
			throw new IllegalStateException("Series " + labels + " exists");
		}
		HeadSeries series = new HeadSeries(ref, this.postings.add(ref, labels), this.blockRange);
		this.byRef.put(ref, series);
		this.byLabels.put(series.labels(), series);
		this.nextRef = Math.max(this.nextRef, ref + 1);
		return series;
	}

	/** Creates a series from a checkpoint, with what it held. Writer thread only, before any append. */
	public HeadSeries restore(SeriesState state) {
		HeadSeries series = create(state.ref(), state.labels());
		series.restore(state);
		long min = series.minTime();
		if (min != Long.MAX_VALUE) {
			appended(min);
		}
		long max = series.maxTime();
		if (max != Long.MIN_VALUE) {
			appended(max);
		}
		return series;
	}

	/** Notes that a sample at {@code t} was appended, for the head's time range. */
	public void appended(long t) {
		this.minTime.accumulateAndGet(t, Math::min);
		this.maxTime.accumulateAndGet(t, Math::max);
	}

	/** Keeps a family's metadata, replacing what it had. */
	public void putMetadata(MetricMetadata metadata) {
		this.metadata.put(metadata.family(), metadata);
	}

	/** Every family's metadata. */
	public Map<String, MetricMetadata> metadata() {
		return Map.copyOf(this.metadata);
	}

	public @Nullable MetricMetadata metadata(String family) {
		return this.metadata.get(family);
	}

	public int seriesCount() {
		return this.byRef.size();
	}

	public Collection<HeadSeries> allSeries() {
		return this.byRef.values();
	}

	/** The reference the next new series will get. */
	public int nextRef() {
		return this.nextRef;
	}

	@Override
	public long minTime() {
		return this.minTime.get();
	}

	@Override
	public long maxTime() {
		return this.maxTime.get();
	}

	@Override
	public Iterator<SeriesChunks> select(List<Matcher> matchers, long mint, long maxt, BooleanSupplier cancelled) {
		Postings refs = this.postings.select(matchers, cancelled);
		List<SeriesChunks> selected = new ArrayList<>(refs.size());
		for (int i = 0; i < refs.size(); i++) {
			HeadSeries series = this.byRef.get(refs.get(i));
			if (series == null) {
				continue;
			}
			SeriesChunks read = series.read(mint, maxt);
			if (!read.isEmpty()) {
				selected.add(read);
			}
		}
		selected.sort(Comparator.comparing(SeriesChunks::labels));
		return selected.iterator();
	}

	@Override
	public Iterator<SeriesChunks> selectLatest(List<Matcher> matchers, BooleanSupplier cancelled) {
		return select(matchers, cancelled).stream()
			.map(HeadSeries::readLatest)
			.filter(series -> !series.isEmpty())
			.iterator();
	}

	/** The series every matcher selects, whatever they hold, in label order. */
	public List<HeadSeries> select(List<Matcher> matchers, BooleanSupplier cancelled) {
		Postings refs = this.postings.select(matchers, cancelled);
		List<HeadSeries> selected = new ArrayList<>(refs.size());
		for (int i = 0; i < refs.size(); i++) {
			HeadSeries series = this.byRef.get(refs.get(i));
			if (series != null) {
				selected.add(series);
			}
		}
		selected.sort(Comparator.comparing(HeadSeries::labels));
		return selected;
	}

	/** What every series gives the block [mint, maxt), in label order, series without any left out. */
	public List<CompactionSnapshot> snapshotForBlock(long mint, long maxt) {
		List<CompactionSnapshot> snapshots = new ArrayList<>();
		for (HeadSeries series : this.byRef.values()) {
			CompactionSnapshot snapshot = series.snapshotForBlock(mint, maxt);
			if (!snapshot.isEmpty()) {
				snapshots.add(snapshot);
			}
		}
		snapshots.sort(Comparator.comparing(CompactionSnapshot::labels));
		return snapshots;
	}

	/**
	 * Removes the series that hold nothing any more (all compacted) and recomputes the time range.
	 * Writer thread only: a series is never removed while a sample is being appended to it.
	 * @return the number of series removed
	 */
	public int removeEmptySeries() {
		List<HeadSeries> empty = new ArrayList<>();
		long min = Long.MAX_VALUE;
		for (HeadSeries series : this.byRef.values()) {
			if (series.isEmpty()) {
				empty.add(series);
			}
			else {
				min = Math.min(min, series.minTime());
			}
		}
		for (HeadSeries series : empty) {
			this.byRef.remove(series.ref());
			this.byLabels.remove(series.labels());
		}
		if (!empty.isEmpty()) {
			Set<Integer> removed = new HashSet<>();
			empty.forEach(series -> removed.add(series.ref()));
			this.postings.removeIf(removed::contains);
			this.byKey.removeIf(series -> removed.contains(series.ref()));
		}
		this.minTime.set(min);
		return empty.size();
	}

}
