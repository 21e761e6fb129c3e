package io.prometheusrelay.tsdb.chunkenc;

/** A chunk with the timestamps of its first and last samples, as a block's index needs them. */
public record TimedChunk(Chunk chunk, long minTime, long maxTime) {
}
