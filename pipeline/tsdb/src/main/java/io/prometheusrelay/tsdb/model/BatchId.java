package io.prometheusrelay.tsdb.model;

import java.util.HexFormat;

/**
 * The identity of a relayed batch (128 bits; the pipeline derives it from the batch's bytes): the
 * engine stores a batch once however often it arrives.
 */
public record BatchId(long high, long low) {

	@Override
	public String toString() {
		return HexFormat.of().toHexDigits(this.high) + HexFormat.of().toHexDigits(this.low);
	}

}
