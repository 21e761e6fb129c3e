package io.prometheusrelay.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import org.xerial.snappy.Snappy;

/**
 * Builds one snappy-compressed remote-write 1.0 request: a run of consecutive series from the set,
 * one sample each, by copying pre-encoded labels. One instance per sending thread (it reuses its
 * buffers).
 */
final class RequestBuilder {

	private final SeriesSet series;

	private byte[] raw = new byte[1 << 20];

	private byte[] compressed = new byte[Snappy.maxCompressedLength(1 << 20)];

	private int compressedLength;

	RequestBuilder(SeriesSet series) {
		this.series = series;
	}

	/** Builds the request holding series {@code [first, first + count)} (wrapping), all at {@code timestamp}. */
	void build(int first, int count, long timestamp, double value) {
		int pos = encode(first, count, timestamp, value);
		int maxCompressed = Snappy.maxCompressedLength(pos);
		if (maxCompressed > this.compressed.length) {
			this.compressed = new byte[maxCompressed];
		}
		try {
			this.compressedLength = Snappy.compress(this.raw, 0, pos, this.compressed, 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The same request, encoded but not compressed: what a relay BATCH frame carries. */
	byte[] buildRaw(int first, int count, long timestamp, double value) {
		return Arrays.copyOf(this.raw, encode(first, count, timestamp, value));
	}

	private int encode(int first, int count, long timestamp, double value) {
		int pos = 0;
		for (int i = 0; i < count; i++) {
			byte[] labels = this.series.labels((first + i) % this.series.size());
			int sampleLength = 1 + 8 + 1 + varintSize(timestamp);
			int seriesLength = labels.length + 2 + sampleLength;
			int needed = pos + 1 + 5 + seriesLength;
			if (needed > this.raw.length) {
				this.raw = Arrays.copyOf(this.raw, Math.max(needed, this.raw.length * 2));
			}
			this.raw[pos++] = 0x0A;
			pos = writeVarint(this.raw, pos, seriesLength);
			System.arraycopy(labels, 0, this.raw, pos, labels.length);
			pos += labels.length;
			this.raw[pos++] = 0x12;
			this.raw[pos++] = (byte) sampleLength;
			this.raw[pos++] = 0x09;
			long bits = Double.doubleToRawLongBits(value);
			for (int b = 0; b < 8; b++) {
				this.raw[pos++] = (byte) (bits >>> (8 * b));
			}
			this.raw[pos++] = 0x10;
			pos = writeVarint(this.raw, pos, timestamp);
		}
		return pos;
	}

	byte[] body() {
		return this.compressed;
	}

	int bodyLength() {
		return this.compressedLength;
	}

	private static int varintSize(long value) {
		int size = 1;
		while ((value & ~0x7FL) != 0) {
			value >>>= 7;
			size++;
		}
		return size;
	}

	private static int writeVarint(byte[] out, int pos, long value) {
		while ((value & ~0x7FL) != 0) {
			out[pos++] = (byte) ((value & 0x7F) | 0x80);
			value >>>= 7;
		}
		out[pos++] = (byte) value;
		return pos;
	}

}
