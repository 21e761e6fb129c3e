package io.prometheusrelay.tsdb.chunks;

/**
 * Where a chunk is and what time it covers, as a block's index holds it: {@code ref} is its file's
 * sequence number (upper 32 bits) and its offset in that file (lower 32 bits); {@code minTime} and
 * {@code maxTime} are its first and last samples' timestamps.
 */
public record ChunkMeta(long ref, long minTime, long maxTime) {

	public static long ref(int sequence, long offset) {
		return ((long) sequence << 32) | offset;
	}

	public int sequence() {
		return (int) (this.ref >>> 32);
	}

	public long offset() {
		return this.ref & 0xFFFF_FFFFL;
	}

	/** Whether any of the chunk's samples can lie in [mint, maxt]. */
	public boolean overlaps(long mint, long maxt) {
		return this.minTime <= maxt && mint <= this.maxTime;
	}

}
