package io.prometheusrelay.tsdb.chunkenc;

/**
 * An open XOR chunk of float samples: the first timestamp as a varint and the first value raw; the
 * second timestamp as an unsigned varint delta; then delta-of-deltas in 1, 16, 20, 24 or 68 bits,
 * and every value after the first XORed with the one before it ({@link XorValue}).
 */
public final class XorChunkBuilder extends ChunkBuilder {

	private long timestamp;

	private long delta;

	private XorValue value;

	public XorChunkBuilder() {
		super(2);
	}

	@Override
	public ChunkEncoding encoding() {
		return ChunkEncoding.XOR;
	}

	@Override
	public boolean isFull() {
		return this.numSamples >= SAMPLES_PER_CHUNK;
	}

	@Override
	int touchEncoderState() {
		XorValue current = this.value;
		return (current != null) ? current.leading : 0;
	}

	/** Appends a sample later than the last one; the value is kept bit for bit. */
	public void append(long t, double v) {
		int index = this.numSamples;
		recordSample(t);
		long bits = Double.doubleToRawLongBits(v);
		if (index == 0) {
			writeVarint(t);
			this.out.writeBits(bits, 64);
			this.value = XorValue.forWriting(bits);
		}
		else if (index == 1) {
			this.delta = t - this.timestamp;
			writeUvarint(this.delta);
			this.value.write(this.out, bits);
		}
		else {
			long newDelta = t - this.timestamp;
			writeDeltaOfDelta(newDelta - this.delta);
			this.delta = newDelta;
			this.value.write(this.out, bits);
		}
		this.timestamp = t;
	}

	private void writeDeltaOfDelta(long dod) {
		if (dod == 0) {
			this.out.writeBit(false);
		}
		else if (Varbit.fitsSigned(dod, 14)) {
			this.out.writeBits(0b10, 2);
			this.out.writeBits(dod, 14);
		}
		else if (Varbit.fitsSigned(dod, 17)) {
			this.out.writeBits(0b110, 3);
			this.out.writeBits(dod, 17);
		}
		else if (Varbit.fitsSigned(dod, 20)) {
			this.out.writeBits(0b1110, 4);
			this.out.writeBits(dod, 20);
		}
		else {
			this.out.writeBits(0b1111, 4);
			this.out.writeBits(dod, 64);
		}
	}

	private void writeVarint(long v) {
		writeUvarint((v << 1) ^ (v >> 63));
	}

	private void writeUvarint(long v) {
		while ((v & ~0x7FL) != 0) {
			this.out.writeByte((int) ((v & 0x7F) | 0x80));
			v >>>= 7;
		}
		this.out.writeByte((int) v);
	}

}
