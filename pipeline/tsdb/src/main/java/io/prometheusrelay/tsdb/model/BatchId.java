package io.prometheusrelay.tsdb.model;

import java.util.HexFormat;

/**
 * The identity of a relayed batch (128 bits; the pipeline derives it from the batch's bytes): the
 * engine stores a batch once however often it arrives.
 */
public record BatchId(long high, long low) {

	/**
	 * No identity: a batch stored under it is neither deduplicated nor recorded as held (samples a
	 * replica copies from a peer, whose batches it records by their own identities).
	 */
	public static final BatchId NONE = new BatchId(0, 0);

	public boolean isNone() {
		return this.high == 0 && this.low == 0;
	}

	@Override
	public String toString() {
		return HexFormat.of().toHexDigits(this.high) + HexFormat.of().toHexDigits(this.low);
	}

}
