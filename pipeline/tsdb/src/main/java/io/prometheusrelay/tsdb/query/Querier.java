package io.prometheusrelay.tsdb.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.prometheusrelay.tsdb.chunkenc.SampleIterator;
import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Matcher;
import io.prometheusrelay.tsdb.model.QueryCancelledException;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.ValueType;
import org.jspecify.annotations.Nullable;

/**
 * Reads series from several sources at once (blocks, which may overlap, and the head) for the time
 * range [mint, maxt]: each source's series come in label order, so they are merged as they are read,
 * a series that several sources hold becoming one with all their chunks. Only the sources whose time
 * range overlaps the query are asked. A source found corrupt while it is read is reported and left
 * out from there on: the others are still read.
 */
public final class Querier {

	private final List<ChunkSource> sources;

	/** Every source, whatever its time range: for the newest of each series. */
	private final List<ChunkSource> allSources;

	private final long mint;

	private final long maxt;

	private final BiConsumer<ChunkSource, CorruptionException> onCorruption;

	private volatile BooleanSupplier cancelled = () -> false;

	public Querier(List<? extends ChunkSource> sources, long mint, long maxt,
			BiConsumer<ChunkSource, CorruptionException> onCorruption) {
		this.allSources = List.copyOf(sources);
		this.sources = this.allSources.stream()
			.filter(source -> source.minTime() <= maxt && mint <= source.maxTime())
			.toList();
		this.mint = mint;
		this.maxt = maxt;
		this.onCorruption = onCorruption;
	}

	/**
	 * Stops selecting, with a {@link QueryCancelledException}, once {@code cancelled} says so: a
	 * reader that went away does not keep a regular expression running over every label value.
	 */
	public Querier cancelledWhen(BooleanSupplier cancelled) {
		this.cancelled = cancelled;
		return this;
	}

	public long mint() {
		return this.mint;
	}

	public long maxt() {
		return this.maxt;
	}

	/** The selected series, in label order, each once, with the chunks of every source that has it. */
	public Iterator<SeriesChunks> select(List<Matcher> matchers) {
		return merged(this.sources.stream().map(source -> guarded(source, () -> source.select(matchers, this.mint, this.maxt, this.cancelled))).toList());
	}

	/**
	 * The selected series at their newest, in label order, whatever the query's range: the newest
	 * sample and exemplar any source holds.
	 */
	public Iterator<LatestSeries> selectLatest(List<Matcher> matchers) {
		Iterator<SeriesChunks> series = merged(
				this.allSources.stream().map(source -> guarded(source, () -> source.selectLatest(matchers, this.cancelled))).toList());
		return new Iterator<>() {

			@Override
			public boolean hasNext() {
				return series.hasNext();
			}

			@Override
			public LatestSeries next() {
				SeriesChunks each = series.next();
				Sample newest = null;
				SampleIterator samples = new MergedSamples(each.chunks(), Long.MIN_VALUE, Long.MAX_VALUE);
				for (ValueType type = samples.next(); type != ValueType.NONE; type = samples.next()) {
					newest = samples.sample(type);
				}
				Exemplar exemplar = each.exemplars().isEmpty() ? null : each.exemplars().get(each.exemplars().size() - 1);
				long created = (newest != null) ? each.createdTimestampAt(newest.timestamp()) : 0;
				return new LatestSeries(each.labels(), newest, created, exemplar);
			}

		};
	}

	private Iterator<SeriesChunks> merged(List<Iterator<SeriesChunks>> inputs) {
		PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.current.labels().compareTo(b.current.labels()));
		for (Iterator<SeriesChunks> input : inputs) {
			Head head = new Head(input);
			if (head.advance()) {
				heads.add(head);
			}
		}
		return new Iterator<>() {

			@Override
			public boolean hasNext() {
				return !heads.isEmpty();
			}

			@Override
			public SeriesChunks next() {
				Head first = heads.poll();
				if (first == null) {
					throw new NoSuchElementException();
				}
				SeriesChunks series = first.current;
				List<SeriesChunks> same = null;
				while (!heads.isEmpty() && heads.peek().current.labels().equals(series.labels())) {
					Head next = heads.poll();
					if (same == null) {
						same = new ArrayList<>(List.of(series));
					}
					same.add(next.current);
					if (next.advance()) {
						heads.add(next);
					}
				}
				if (first.advance()) {
					heads.add(first);
				}
				return (same == null) ? series : combined(same);
			}

		};
	}

	/** One series from several sources: all their chunks, and their exemplars and created ranges once each. */
	private static SeriesChunks combined(List<SeriesChunks> sources) {
		List<TimedChunk> chunks = new ArrayList<>();
		Set<Exemplar> exemplars = new LinkedHashSet<>();
		Set<CreatedRange> created = new LinkedHashSet<>();
		for (SeriesChunks source : sources) {
			chunks.addAll(source.chunks());
			exemplars.addAll(source.exemplars());
			created.addAll(source.created());
		}
		List<Exemplar> sortedExemplars = new ArrayList<>(exemplars);
		sortedExemplars.sort(Comparator.comparingLong(Exemplar::timestamp));
		List<CreatedRange> sortedCreated = new ArrayList<>(created);
		sortedCreated.sort(Comparator.comparingLong(CreatedRange::minTime));
		return new SeriesChunks(sources.get(0).labels(), chunks, sortedExemplars, sortedCreated);
	}

	/** A series' samples in the query's range, merged across its chunks. */
	public SampleIterator samples(SeriesChunks series) {
		return new MergedSamples(series.chunks(), this.mint, this.maxt);
	}

	/** The source's series, ending early, after a report, if the source turns out to be corrupt. */
	private Iterator<SeriesChunks> guarded(ChunkSource source, Supplier<Iterator<SeriesChunks>> select) {
		Iterator<SeriesChunks> series;
		try {
			series = select.get();
		}
		catch (CorruptionException ex) {
			this.onCorruption.accept(source, ex);
			return List.<SeriesChunks>of().iterator();
		}
		return new Iterator<>() {

			private @Nullable SeriesChunks next;

			private boolean failed;

			@Override
			public boolean hasNext() {
				if (this.next == null && !this.failed) {
					try {
						if (series.hasNext()) {
							this.next = series.next();
						}
					}
					catch (CorruptionException ex) {
						this.failed = true;
						Querier.this.onCorruption.accept(source, ex);
					}
				}
				return this.next != null;
			}

			@Override
			public SeriesChunks next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				SeriesChunks result = this.next;
				this.next = null;
				return result;
			}

		};
	}

	/** One source's iterator at its current series. */
	private static final class Head {

		private final Iterator<SeriesChunks> series;

		private SeriesChunks current;

		Head(Iterator<SeriesChunks> series) {
			this.series = series;
		}

		boolean advance() {
			if (!this.series.hasNext()) {
				return false;
			}
			this.current = this.series.next();
			return true;
		}

	}


}
