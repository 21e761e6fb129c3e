package io.prometheusrelay.tsdb.chunkenc;

/**
 * An open chunk that samples are appended to, in time order, by one writer. {@link #toChunk()} takes
 * a snapshot that readers can iterate while the writer goes on appending.
 */
public abstract sealed class ChunkBuilder permits XorChunkBuilder, HistogramChunkBuilder, FloatHistogramChunkBuilder {

	/** Prometheus's target for a chunk of floats, and the most a histogram chunk takes here. */
	public static final int SAMPLES_PER_CHUNK = 120;

	/** The most samples a chunk's two-byte count can say. */
	static final int MAX_SAMPLES = 0xFFFF;

	final BitWriter out;

	int numSamples;

	long minTime = Long.MAX_VALUE;

	long maxTime = Long.MIN_VALUE;

	ChunkBuilder(int headerBytes) {
		this.out = new BitWriter(headerBytes, 32);
	}

	public abstract ChunkEncoding encoding();

	public final int numSamples() {
		return this.numSamples;
	}

	public final boolean isEmpty() {
		return this.numSamples == 0;
	}

	/** The first sample's timestamp; {@link Long#MAX_VALUE} while empty. */
	public final long minTime() {
		return this.minTime;
	}

	/** The last sample's timestamp; {@link Long#MIN_VALUE} while empty. */
	public final long maxTime() {
		return this.maxTime;
	}

	/** Bytes of encoded data so far. */
	public final int sizeBytes() {
		return this.out.length();
	}

	/** Whether a new chunk should be started instead of appending here (the head cuts chunks by this). */
	public abstract boolean isFull();

	/** A closed copy of what has been appended: the builder can go on. */
	public final Chunk toChunk() {
		return new Chunk(encoding(), this.out.toByteArray());
	}

	/** A closed copy with its first and last timestamps. */
	public final TimedChunk toTimedChunk() {
		return new TimedChunk(toChunk(), this.minTime, this.maxTime);
	}

	/** Reads the fields and the last bytes the next append writes; see {@code HeadSeries.touch()}. */
	public final int touch() {
		return this.numSamples + this.out.touch() + touchEncoderState();
	}

	/** Reads what of its own a kind of chunk keeps between appends, in objects of their own. */
	int touchEncoderState() {
		return 0;
	}

	/** Frees the spare capacity once no more samples will be appended. */
	public final void trim() {
		this.out.trim();
	}

	final void recordSample(long timestamp) {
		if (this.numSamples == MAX_SAMPLES) {
			throw new IllegalStateException("A chunk holds at most " + MAX_SAMPLES + " samples");
		}
		if (timestamp <= this.maxTime) {
			throw new IllegalArgumentException(
					"Samples must be appended in time order: " + timestamp + " after " + this.maxTime);
		}
		if (this.numSamples == 0) {
			this.minTime = timestamp;
		}
		this.maxTime = timestamp;
		this.numSamples++;
		this.out.setShort(0, this.numSamples);
	}

}
