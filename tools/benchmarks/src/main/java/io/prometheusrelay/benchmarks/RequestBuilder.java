package io.prometheusrelay.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.protobuf.CodedOutputStream;
import io.prometheusrelay.protocol.remotewrite.BucketSpan;
import io.prometheusrelay.protocol.remotewrite.Histogram;
import org.xerial.snappy.Snappy;

/**
 * Builds one snappy-compressed remote-write request: a run of consecutive series from the set, one
 * float sample or one native histogram each, by copying pre-encoded labels. In 2.0 each request has
 * its own symbols table, as Prometheus 3 sends it; it is built once per run of series and reused.
 * One instance per sending thread (it reuses its buffers).
 */
final class RequestBuilder {

	/** The buckets of the benchmark's histograms: 20 consecutive ones of schema 3, as a latency spreads. */
	static final int HISTOGRAM_BUCKETS = 20;

	private final SeriesSet series;

	private final RemoteWriteFormat format;

	private final boolean histograms;

	/** 2.0 only: the symbols table and each series' label references, by the run's first series. */
	private final Map<Integer, SymbolizedRun> runs = new HashMap<>();

	private byte[] raw = new byte[1 << 20];

	private byte[] compressed = new byte[Snappy.maxCompressedLength(1 << 20)];

	private int compressedLength;

	/** Remote-write 1.0 with float samples. */
	RequestBuilder(SeriesSet series) {
		this(series, RemoteWriteFormat.V1, false);
	}

	RequestBuilder(SeriesSet series, RemoteWriteFormat format, boolean histograms) {
		this.series = series;
		this.format = format;
		this.histograms = histograms;
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

	/** The same request, encoded but not compressed: what a relay BATCH frame carries (1.0 only). */
	byte[] buildRaw(int first, int count, long timestamp, double value) {
		return Arrays.copyOf(this.raw, encode(first, count, timestamp, value));
	}

	private int encode(int first, int count, long timestamp, double value) {
		byte[] point = this.histograms ? histogram(timestamp, (long) value) : sample(timestamp, value);
		// Sample is field 2 of a series in both versions; a histogram field 4 in 1.0 and 3 in 2.0.
		int pointTag = this.histograms ? ((this.format == RemoteWriteFormat.V1) ? 0x22 : 0x1A) : 0x12;
		int pos = 0;
		SymbolizedRun run = null;
		if (this.format == RemoteWriteFormat.V2) {
			run = this.runs.computeIfAbsent(first, start -> new SymbolizedRun(this.series, start, count));
			pos = put(pos, run.symbols, run.symbols.length);
		}
		for (int i = 0; i < count; i++) {
			byte[] labels = (run != null) ? run.references[i] : this.series.labels((first + i) % this.series.size());
			int seriesLength = labels.length + 1 + CodedOutputStream.computeUInt64SizeNoTag(point.length) + point.length;
			ensure(pos + 1 + 5 + seriesLength);
			// A series is field 1 of a 1.0 WriteRequest, field 5 of a 2.0 Request.
			this.raw[pos++] = (byte) ((run != null) ? 0x2A : 0x0A);
			pos = writeVarint(this.raw, pos, seriesLength);
			pos = put(pos, labels, labels.length);
			this.raw[pos++] = (byte) pointTag;
			pos = writeVarint(this.raw, pos, point.length);
			pos = put(pos, point, point.length);
		}
		return pos;
	}

	private static byte[] sample(long timestamp, double value) {
		byte[] sample = new byte[1 + 8 + 1 + CodedOutputStream.computeUInt64SizeNoTag(timestamp)];
		sample[0] = 0x09;
		long bits = Double.doubleToRawLongBits(value);
		for (int b = 0; b < 8; b++) {
			sample[1 + b] = (byte) (bits >>> (8 * b));
		}
		sample[9] = 0x10;
		writeVarint(sample, 10, timestamp);
		return sample;
	}

	/**
	 * An integer native histogram of {@code round + 1} observations in each of its buckets, so that
	 * every series' histogram grows as a counter does. The message is the same in both versions.
	 */
	static byte[] histogram(long timestamp, long round) {
		Histogram.Builder histogram = Histogram.newBuilder()
			.setCountInt((round + 1) * HISTOGRAM_BUCKETS)
			.setSum(0.25 * (round + 1) * HISTOGRAM_BUCKETS)
			.setSchema(3)
			.setZeroThreshold(1e-128)
			.setZeroCountInt(0)
			.addPositiveSpans(BucketSpan.newBuilder().setOffset(-12).setLength(HISTOGRAM_BUCKETS))
			.addPositiveDeltas(round + 1)
			.setTimestamp(timestamp);
		for (int i = 1; i < HISTOGRAM_BUCKETS; i++) {
			histogram.addPositiveDeltas(0);
		}
		return histogram.build().toByteArray();
	}

	private void ensure(int needed) {
		if (needed > this.raw.length) {
			this.raw = Arrays.copyOf(this.raw, Math.max(needed, this.raw.length * 2));
		}
	}

	private int put(int pos, byte[] bytes, int length) {
		ensure(pos + length);
		System.arraycopy(bytes, 0, this.raw, pos, length);
		return pos + length;
	}

	byte[] body() {
		return this.compressed;
	}

	int bodyLength() {
		return this.compressedLength;
	}

	/** A run of series in 2.0: its symbols table (encoded) and each series' {@code labels_refs} field. */
	private static final class SymbolizedRun {

		final byte[] symbols;

		final byte[][] references;

		SymbolizedRun(SeriesSet series, int first, int count) {
			Map<String, Integer> table = new LinkedHashMap<>();
			table.put("", 0);
			this.references = new byte[count][];
			for (int i = 0; i < count; i++) {
				String[] labels = series.labelStrings((first + i) % series.size());
				int[] refs = new int[labels.length];
				int packedLength = 0;
				for (int l = 0; l < labels.length; l++) {
					refs[l] = table.computeIfAbsent(labels[l], symbol -> table.size());
					packedLength += CodedOutputStream.computeUInt64SizeNoTag(refs[l]);
				}
				byte[] field = new byte[1 + CodedOutputStream.computeUInt64SizeNoTag(packedLength) + packedLength];
				field[0] = 0x0A;
				int pos = writeVarint(field, 1, packedLength);
				for (int ref : refs) {
					pos = writeVarint(field, pos, ref);
				}
				this.references[i] = field;
			}
			byte[] symbols = new byte[1024];
			int pos = 0;
			for (String symbol : table.keySet()) {
				byte[] utf8 = symbol.getBytes(java.nio.charset.StandardCharsets.UTF_8);
				if (pos + 1 + 5 + utf8.length > symbols.length) {
					symbols = Arrays.copyOf(symbols, Math.max(symbols.length * 2, pos + 1 + 5 + utf8.length));
				}
				symbols[pos++] = 0x22;
				pos = writeVarint(symbols, pos, utf8.length);
				System.arraycopy(utf8, 0, symbols, pos, utf8.length);
				pos += utf8.length;
			}
			this.symbols = Arrays.copyOf(symbols, pos);
		}

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
