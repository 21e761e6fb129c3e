package io.prometheusrelay.tsdb.model;

/**
 * The created (start) timestamp of a series' samples from {@code minTime} to {@code maxTime}: a
 * counter's start, sent by remote-write 2.0, the same for every sample until the counter restarts.
 * A series keeps one range per run of equal created timestamps.
 */
public record CreatedRange(long createdTimestamp, long minTime, long maxTime) {

	public boolean contains(long t) {
		return this.minTime <= t && t <= this.maxTime;
	}

	public boolean overlaps(long mint, long maxt) {
		return this.minTime <= maxt && mint <= this.maxTime;
	}

}
