package io.prometheusrelay.tsdb.chunkenc;

import io.prometheusrelay.tsdb.model.CorruptionException;

/**
 * A closed chunk: its encoding and its data, the bytes after the encoding byte in a chunk file (the
 * sample count first). Immutable by convention: the array is shared, never written.
 */
public record Chunk(ChunkEncoding encoding, byte[] data) {

	public Chunk {
		if (data.length < 2) {
			throw new CorruptionException("A chunk of " + data.length + " bytes has no sample count");
		}
	}

	public int numSamples() {
		return ((this.data[0] & 0xFF) << 8) | (this.data[1] & 0xFF);
	}

	public SampleIterator iterator() {
		return switch (this.encoding) {
			case XOR -> new XorIterator(this.data);
			case HISTOGRAM -> new HistogramIterator(this.data);
			case FLOAT_HISTOGRAM -> new FloatHistogramIterator(this.data);
		};
	}

}
