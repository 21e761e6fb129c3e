package io.prometheusrelay.tsdb.head;

/** What became of a sample appended to the head. */
public enum AppendOutcome {

	/** Appended after the series' newest sample, to its open chunk. */
	IN_ORDER,

	/** Older than the series' newest sample: kept apart, merged when read and when compacted. */
	OUT_OF_ORDER,

	/** The very sample the series holds already at that time: nothing changed. */
	DUPLICATE

}
