package io.prometheusrelay.tsdb.chunkenc;

import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.ValueType;

/** Reads an XOR chunk written by {@link XorChunkBuilder} or by Prometheus. */
final class XorIterator implements SampleIterator {

	private final BitReader in;

	private final int total;

	private int read;

	private long timestamp;

	private long delta;

	private XorValue value;

	XorIterator(byte[] data) {
		this.total = ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
		this.in = new BitReader(data, 2, data.length);
	}

	@Override
	public ValueType next() {
		if (this.read == this.total) {
			return ValueType.NONE;
		}
		if (this.read == 0) {
			this.timestamp = this.in.readVarint();
			this.value = XorValue.forReading(this.in.readBits(64));
		}
		else if (this.read == 1) {
			this.delta = this.in.readUvarint();
			this.timestamp += this.delta;
			this.value.read(this.in);
		}
		else {
			this.delta += readDeltaOfDelta();
			this.timestamp += this.delta;
			this.value.read(this.in);
		}
		this.read++;
		return ValueType.FLOAT;
	}

	private long readDeltaOfDelta() {
		int ones = 0;
		while (ones < 4 && this.in.readBit()) {
			ones++;
		}
		int size = switch (ones) {
			case 0 -> 0;
			case 1 -> 14;
			case 2 -> 17;
			case 3 -> 20;
			default -> 64;
		};
		if (size == 0) {
			return 0;
		}
		long bits = this.in.readBits(size);
		if (size < 64 && bits > (1L << (size - 1))) {
			bits -= 1L << size;
		}
		return bits;
	}

	@Override
	public long timestamp() {
		return this.timestamp;
	}

	@Override
	public double value() {
		return Double.longBitsToDouble(this.value.bits);
	}

	@Override
	public Histogram histogram() {
		throw new IllegalStateException("An XOR chunk holds floats");
	}

	@Override
	public FloatHistogram floatHistogram() {
		throw new IllegalStateException("An XOR chunk holds floats");
	}

}
