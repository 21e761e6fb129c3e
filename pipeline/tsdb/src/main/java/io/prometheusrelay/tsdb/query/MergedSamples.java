package io.prometheusrelay.tsdb.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import io.prometheusrelay.tsdb.chunkenc.SampleIterator;
import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.ValueType;
import org.jspecify.annotations.Nullable;

/**
 * The samples of a series' chunks in [mint, maxt], in time order, once each. Chunks that do not
 * overlap (the usual case) are read one after the other; overlapping ones (overlapping blocks, the
 * head's out-of-order samples) are merged, and of two different samples at one timestamp the one
 * {@link Sample#keptOf} keeps is read.
 */
public final class MergedSamples implements SampleIterator {

	private final long mint;

	private final long maxt;

	private final PriorityQueue<Cursor> cursors = new PriorityQueue<>(Comparator.comparingLong(c -> c.timestamp));

	private final List<TimedChunk> pending;

	private int nextPending;

	private @Nullable Sample current;

	public MergedSamples(List<TimedChunk> chunks, long mint, long maxt) {
		this.mint = mint;
		this.maxt = maxt;
		List<TimedChunk> sorted = new ArrayList<>(chunks);
		sorted.sort(Comparator.comparingLong(TimedChunk::minTime));
		this.pending = sorted;
	}

	@Override
	public ValueType next() {
		while (true) {
			openChunksStartingBy(this.cursors.isEmpty() ? Long.MAX_VALUE : this.cursors.peek().timestamp);
			Cursor first = this.cursors.poll();
			if (first == null) {
				this.current = null;
				return ValueType.NONE;
			}
			Sample sample = first.sample();
			advance(first);
			// Every other chunk with a sample at the same time: one sample is read of them all.
			while (!this.cursors.isEmpty() && this.cursors.peek().timestamp == sample.timestamp()) {
				Cursor same = this.cursors.poll();
				Sample other = same.sample();
				if (!other.equals(sample)) {
					sample = Sample.keptOf(sample, other);
				}
				advance(same);
			}
			if (sample.timestamp() > this.maxt) {
				this.cursors.clear();
				this.nextPending = this.pending.size();
				this.current = null;
				return ValueType.NONE;
			}
			if (sample.timestamp() >= this.mint) {
				this.current = sample;
				return sample.type();
			}
		}
	}

	/** Starts reading every chunk that begins no later than {@code timestamp}; at least one if none is open. */
	private void openChunksStartingBy(long timestamp) {
		while (this.nextPending < this.pending.size()
				&& (this.cursors.isEmpty() || this.pending.get(this.nextPending).minTime() <= timestamp)) {
			Cursor cursor = new Cursor(this.pending.get(this.nextPending++).chunk().iterator());
			if (cursor.type != ValueType.NONE) {
				this.cursors.add(cursor);
			}
			if (!this.cursors.isEmpty()) {
				timestamp = Math.min(timestamp, this.cursors.peek().timestamp);
			}
		}
	}

	private void advance(Cursor cursor) {
		cursor.advance();
		if (cursor.type != ValueType.NONE) {
			this.cursors.add(cursor);
		}
	}

	private Sample currentSample() {
		Sample sample = this.current;
		if (sample == null) {
			throw new IllegalStateException("No sample");
		}
		return sample;
	}

	@Override
	public long timestamp() {
		return currentSample().timestamp();
	}

	@Override
	public double value() {
		return currentSample().value();
	}

	@Override
	public Histogram histogram() {
		Histogram h = currentSample().histogram();
		if (h == null) {
			throw new IllegalStateException("Not a histogram");
		}
		return h;
	}

	@Override
	public FloatHistogram floatHistogram() {
		FloatHistogram h = currentSample().floatHistogram();
		if (h == null) {
			throw new IllegalStateException("Not a float histogram");
		}
		return h;
	}

	@Override
	public Sample sample(ValueType type) {
		return currentSample();
	}

	/** One chunk being read, at its current sample. */
	private static final class Cursor {

		private final SampleIterator iterator;

		private ValueType type;

		private long timestamp;

		Cursor(SampleIterator iterator) {
			this.iterator = iterator;
			advance();
		}

		void advance() {
			this.type = this.iterator.next();
			this.timestamp = (this.type != ValueType.NONE) ? this.iterator.timestamp() : Long.MAX_VALUE;
		}

		Sample sample() {
			return this.iterator.sample(this.type);
		}

	}

}
