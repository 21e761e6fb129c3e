package io.prometheusrelay.apiserver.store;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

import io.prometheusrelay.protocol.remotewrite.EncodedSeries;

/**
 * A lookup key over labels in canonical encoding, without a copy: the labels as sent when they
 * already are canonical (as Prometheus sends them), otherwise re-encoded into a reused buffer.
 * {@link ConcurrentHashMap#get} compares the key it is given with the stored ones
 * ({@code probe.equals(stored)}), so a probe finds a {@link SeriesKey} without one being allocated.
 */
final class SeriesProbe {

	private byte[] scratch = new byte[512];

	private byte[] bytes = this.scratch;

	private int offset;

	private int length;

	private int hash;

	void set(EncodedSeries series) {
		if (series.hasCanonicalLabels()) {
			this.bytes = series.buffer();
			this.offset = series.labelsOffset();
			this.length = series.labelsLength();
		}
		else {
			int[] order = series.labelOrder();
			int needed = series.canonicalLabelsLength(order);
			if (needed > this.scratch.length) {
				this.scratch = new byte[Math.max(needed, this.scratch.length * 2)];
			}
			this.bytes = this.scratch;
			this.offset = 0;
			this.length = series.writeCanonicalLabels(order, this.scratch, 0);
		}
		this.hash = SeriesKey.hash(this.bytes, this.offset, this.length);
	}

	SeriesKey toKey() {
		return new SeriesKey(Arrays.copyOfRange(this.bytes, this.offset, this.offset + this.length));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof SeriesKey key) && key.hashCode() == this.hash && Arrays.equals(key.encodedLabels(),
				0, key.encodedLabels().length, this.bytes, this.offset, this.offset + this.length);
	}

}
