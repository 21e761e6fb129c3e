package io.prometheusrelay.tsdb.head;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.prometheusrelay.tsdb.chunkenc.ChunkBuilder;
import io.prometheusrelay.tsdb.chunkenc.ChunkSequence;
import io.prometheusrelay.tsdb.chunkenc.FloatHistogramChunkBuilder;
import io.prometheusrelay.tsdb.chunkenc.HistogramChunkBuilder;
import io.prometheusrelay.tsdb.chunkenc.SampleIterator;
import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.chunkenc.XorChunkBuilder;
import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.ValueType;
import io.prometheusrelay.tsdb.query.SeriesChunks;
import org.jspecify.annotations.Nullable;

/**
 * One series of the head. Samples later than its newest go to its open chunk, which is cut when full,
 * when the kind of sample changes, when a histogram cannot join it, and at every block boundary, so
 * that a chunk never spans two blocks. Older samples (a replica catching up, a retry) are kept apart,
 * by timestamp, until they are compacted; reads merge the two. One writer appends; readers and the
 * compactor take snapshots; all under the series' lock, held only for copies.
 * <p>
 * Longer than this project's usual 300 lines on purpose: appending, reading, snapshots for blocks and
 * checkpoints, and releasing what was compacted all work on the same fields under the same lock,
 * and the rule that makes compaction safe (only what a snapshot took is released) has to read in one
 * place. Exemplars and created timestamps are {@link SeriesAnnotations}.
 */
public final class HeadSeries {

	private final int ref;

	private final Labels labels;

	private final long blockRange;

	/** Closed in-order chunks not compacted yet, oldest first. */
	private final List<TimedChunk> closed = new ArrayList<>();

	private @Nullable ChunkBuilder open;

	private long maxTime = Long.MIN_VALUE;

	/** The newest sample when it is a histogram; for a float, null and its value in {@link #newestFloat}. */
	private @Nullable Sample newest;

	private double newestFloat;

	/** Samples that arrived older than the newest, by timestamp. */
	private @Nullable TreeMap<Long, Sample> outOfOrder;

	private final SeriesAnnotations annotations = new SeriesAnnotations();

	HeadSeries(int ref, Labels labels, long blockRange) {
		this.ref = ref;
		this.labels = labels;
		this.blockRange = blockRange;
	}

	public int ref() {
		return this.ref;
	}

	public Labels labels() {
		return this.labels;
	}

	public synchronized AppendOutcome appendFloat(long t, double v) {
		if (t > this.maxTime) {
			XorChunkBuilder xor = (this.open instanceof XorChunkBuilder builder && !mustCut(builder, t)) ? builder
					: (XorChunkBuilder) cutTo(new XorChunkBuilder());
			xor.append(t, v);
			this.maxTime = t;
			this.newest = null;
			this.newestFloat = v;
			return AppendOutcome.IN_ORDER;
		}
		return appendOutOfOrder(Sample.of(t, v));
	}

	public synchronized AppendOutcome appendHistogram(long t, Histogram h) {
		if (t > this.maxTime) {
			if (!(this.open instanceof HistogramChunkBuilder builder) || mustCut(builder, t) || !builder.tryAppend(t, h)) {
				((HistogramChunkBuilder) cutTo(new HistogramChunkBuilder())).tryAppend(t, h);
			}
			this.maxTime = t;
			this.newest = Sample.of(t, h);
			return AppendOutcome.IN_ORDER;
		}
		return appendOutOfOrder(Sample.of(t, h));
	}

	public synchronized AppendOutcome appendFloatHistogram(long t, FloatHistogram h) {
		if (t > this.maxTime) {
			if (!(this.open instanceof FloatHistogramChunkBuilder builder) || mustCut(builder, t)
					|| !builder.tryAppend(t, h)) {
				((FloatHistogramChunkBuilder) cutTo(new FloatHistogramChunkBuilder())).tryAppend(t, h);
			}
			this.maxTime = t;
			this.newest = Sample.of(t, h);
			return AppendOutcome.IN_ORDER;
		}
		return appendOutOfOrder(Sample.of(t, h));
	}

	/**
	 * Reads, without the lock, what appending a sample writes (these fields, the open chunk and its last
	 * bytes), so that a caller can load them for many series before it appends to any. A stale read
	 * only loads the wrong lines; the value means nothing beyond keeping the reads.
	 */
	public int touch() {
		ChunkBuilder current = this.open;
		return (current != null) ? current.touch() : this.ref;
	}

	public AppendOutcome append(Sample sample) {
		return switch (sample.type()) {
			case FLOAT -> appendFloat(sample.timestamp(), sample.value());
			case HISTOGRAM -> appendHistogram(sample.timestamp(), sample.histogram());
			case FLOAT_HISTOGRAM -> appendFloatHistogram(sample.timestamp(), sample.floatHistogram());
			case NONE -> throw new IllegalArgumentException("No sample");
		};
	}

	private AppendOutcome appendOutOfOrder(Sample sample) {
		if (sample.timestamp() == this.maxTime && sample.equals(newestSample())) {
			return AppendOutcome.DUPLICATE;
		}
		if (this.outOfOrder == null) {
			this.outOfOrder = new TreeMap<>();
		}
		Sample held = this.outOfOrder.get(sample.timestamp());
		if (sample.equals(held)) {
			return AppendOutcome.DUPLICATE;
		}
		this.outOfOrder.put(sample.timestamp(), (held == null) ? sample : Sample.keptOf(held, sample));
		return AppendOutcome.OUT_OF_ORDER;
	}

	private boolean mustCut(ChunkBuilder builder, long t) {
		return builder.isFull() || Math.floorDiv(builder.minTime(), this.blockRange) != Math.floorDiv(t, this.blockRange);
	}

	private ChunkBuilder cutTo(ChunkBuilder next) {
		closeOpen();
		this.open = next;
		return next;
	}

	private void closeOpen() {
		ChunkBuilder current = this.open;
		if (current != null && !current.isEmpty()) {
			current.trim();
			this.closed.add(current.toTimedChunk());
		}
		this.open = null;
	}

	/** Adds an exemplar; false when the series holds it already. */
	public synchronized boolean addExemplar(Exemplar exemplar) {
		return this.annotations.addExemplar(exemplar);
	}

	/** Notes the created timestamp of the series' samples from {@code minTime} to {@code maxTime}. */
	public synchronized void addCreated(long createdTimestamp, long minTime, long maxTime) {
		this.annotations.addCreated(new CreatedRange(createdTimestamp, minTime, maxTime));
	}

	/** The newest exemplar, or null. */
	public synchronized @Nullable Exemplar newestExemplar() {
		return this.annotations.newestExemplar();
	}

	/** The created timestamp of the sample at {@code t}, 0 if none was sent. */
	public synchronized long createdTimestampAt(long t) {
		for (CreatedRange range : this.annotations.created(t, t)) {
			return range.createdTimestamp();
		}
		return 0;
	}

	/** The newest sample in time order (out-of-order samples are older by definition), or null if none. */
	public synchronized @Nullable Sample newestSample() {
		if (this.maxTime == Long.MIN_VALUE) {
			return null;
		}
		return (this.newest != null) ? this.newest : Sample.of(this.maxTime, this.newestFloat);
	}

	/** The newest timestamp held, {@link Long#MIN_VALUE} if none. */
	public synchronized long maxTime() {
		return this.maxTime;
	}

	/** The oldest timestamp held, {@link Long#MAX_VALUE} if none. */
	public synchronized long minTime() {
		long min = Long.MAX_VALUE;
		if (!this.closed.isEmpty()) {
			min = this.closed.get(0).minTime();
		}
		else if (this.open != null && !this.open.isEmpty()) {
			min = this.open.minTime();
		}
		if (this.outOfOrder != null && !this.outOfOrder.isEmpty()) {
			min = Math.min(min, this.outOfOrder.firstKey());
		}
		return Math.min(min, this.annotations.minTime());
	}

	/** Whether the series holds nothing at all: no sample, no exemplar. */
	public synchronized boolean isEmpty() {
		return this.closed.isEmpty() && (this.open == null || this.open.isEmpty())
				&& (this.outOfOrder == null || this.outOfOrder.isEmpty()) && this.annotations.isEmpty();
	}

	/**
	 * What the series holds in [mint, maxt]: copies of the chunks that overlap it (the closed ones, the
	 * open one as it is now, the out-of-order samples cut into chunks of their own), its exemplars and
	 * created ranges there.
	 */
	public synchronized SeriesChunks read(long mint, long maxt) {
		return new SeriesChunks(this.labels, chunks(mint, maxt), this.annotations.exemplars(mint, maxt),
				this.annotations.created(mint, maxt));
	}

	/** The newest sample as a chunk of its own, the newest exemplar and the created range of that sample. */
	public synchronized SeriesChunks readLatest() {
		Sample sample = newestSample();
		List<TimedChunk> chunks = List.of();
		List<CreatedRange> created = List.of();
		if (sample != null) {
			ChunkSequence one = new ChunkSequence();
			one.append(sample);
			chunks = one.finish();
			created = this.annotations.created(sample.timestamp(), sample.timestamp());
		}
		Exemplar exemplar = this.annotations.newestExemplar();
		return new SeriesChunks(this.labels, chunks, (exemplar != null) ? List.of(exemplar) : List.of(), created);
	}

	private List<TimedChunk> chunks(long mint, long maxt) {
		List<TimedChunk> chunks = new ArrayList<>();
		for (TimedChunk chunk : this.closed) {
			if (chunk.minTime() <= maxt && mint <= chunk.maxTime()) {
				chunks.add(chunk);
			}
		}
		if (this.open != null && !this.open.isEmpty() && this.open.minTime() <= maxt && mint <= this.open.maxTime()) {
			chunks.add(this.open.toTimedChunk());
		}
		if (this.outOfOrder != null) {
			Map<Long, Sample> range = this.outOfOrder.subMap(mint, true, maxt, true);
			if (!range.isEmpty()) {
				ChunkSequence sequence = new ChunkSequence();
				range.values().forEach(sequence::append);
				chunks.addAll(sequence.finish());
			}
		}
		return chunks;
	}

	/**
	 * What compaction takes for the block [mint, maxt): the chunks there, the open one closed first if
	 * it is there (later samples start a new chunk), and the out-of-order samples there. Only what is
	 * returned is removed by {@link #release}, so a sample appended meanwhile stays.
	 */
	public synchronized CompactionSnapshot snapshotForBlock(long mint, long maxt) {
		if (this.open != null && !this.open.isEmpty() && this.open.minTime() < maxt) {
			closeOpen();
		}
		List<TimedChunk> chunks = new ArrayList<>();
		for (TimedChunk chunk : this.closed) {
			if (chunk.minTime() >= mint && chunk.maxTime() < maxt) {
				chunks.add(chunk);
			}
		}
		List<Sample> late = (this.outOfOrder == null) ? List.of()
				: List.copyOf(this.outOfOrder.subMap(mint, true, maxt, false).values());
		return new CompactionSnapshot(this, maxt, chunks, late, this.annotations.exemplars(mint, maxt - 1),
				this.annotations.created(mint, maxt - 1));
	}

	/** Everything the series holds, for a checkpoint: its chunks (the open one as it is now) and late samples. */
	public synchronized SeriesState state() {
		List<TimedChunk> chunks = new ArrayList<>(this.closed);
		if (this.open != null && !this.open.isEmpty()) {
			chunks.add(this.open.toTimedChunk());
		}
		List<Sample> late = (this.outOfOrder == null) ? List.of() : List.copyOf(this.outOfOrder.values());
		return new SeriesState(this.ref, this.labels, chunks, late,
				this.annotations.exemplars(Long.MIN_VALUE, Long.MAX_VALUE), this.annotations.allCreated());
	}

	/**
	 * Takes back a state from a checkpoint, before anything else is appended: its chunks are closed, so
	 * the next sample starts a new one.
	 */
	synchronized void restore(SeriesState state) {
		this.closed.clear();
		this.closed.addAll(state.chunks());
		this.open = null;
		this.outOfOrder = state.outOfOrder().isEmpty() ? null : new TreeMap<>();
		state.outOfOrder().forEach(sample -> this.outOfOrder.put(sample.timestamp(), sample));
		state.exemplars().forEach(this.annotations::addExemplar);
		state.created().forEach(this.annotations::addCreated);
		if (!state.chunks().isEmpty()) {
			TimedChunk last = state.chunks().get(state.chunks().size() - 1);
			SampleIterator it = last.chunk().iterator();
			Sample newestSample = null;
			for (ValueType type = it.next(); type != ValueType.NONE; type = it.next()) {
				newestSample = it.sample(type);
			}
			if (newestSample != null) {
				this.maxTime = newestSample.timestamp();
				this.newest = (newestSample.type() == ValueType.FLOAT) ? null : newestSample;
				this.newestFloat = newestSample.value();
			}
		}
	}

	/** Drops what a snapshot holds, now that it is in a block; samples that replaced it stay. */
	synchronized void release(CompactionSnapshot snapshot) {
		this.closed.removeAll(snapshot.chunks());
		this.annotations.releaseBefore(snapshot.maxTime(), snapshot.exemplars());
		if (this.outOfOrder != null) {
			for (Sample sample : snapshot.outOfOrder()) {
				this.outOfOrder.remove(sample.timestamp(), sample);
			}
		}
	}

}
