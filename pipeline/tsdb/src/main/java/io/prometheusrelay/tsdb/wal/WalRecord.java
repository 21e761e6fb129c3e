package io.prometheusrelay.tsdb.wal;

import java.nio.ByteBuffer;

import io.prometheusrelay.tsdb.encoding.Decoder;
import io.prometheusrelay.tsdb.encoding.Encoder;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;

/**
 * One batch in the write-ahead log:
 *
 * <pre>
 * kind:u8 (1)  id:16 bytes  maxTime:varint  baseTime:varint
 * series:   count:uvarint, then ref:uvarint labels:uvarint (name:string value:string)...   (new ones only)
 * floats:   count:uvarint, then ref:uvarint (t - baseTime):varint value:u64
 * histograms, float histograms: count:uvarint, then ref:uvarint (t - baseTime):varint, the histogram
 * </pre>
 *
 * A series' labels are written once, by the first batch that brings it; every sample after that
 * names it by reference.
 */
public final class WalRecord {

	static final int KIND_BATCH = 1;

	private final Encoder series = new Encoder(256);

	private final Encoder floats = new Encoder(1024);

	private final Encoder histograms = new Encoder(64);

	private final Encoder floatHistograms = new Encoder(64);

	private int seriesCount;

	private int floatCount;

	private int histogramCount;

	private int floatHistogramCount;

	private long baseTime;

	/** What replaying a record does with what it holds. */
	public interface Visitor {

		void batch(BatchId id, long maxTime);

		void series(int ref, Labels labels);

		void floatSample(int ref, long t, double v);

		void histogram(int ref, long t, Histogram h);

		void floatHistogram(int ref, long t, FloatHistogram h);

	}

	/** Starts a record whose sample timestamps are written relative to {@code baseTime}. */
	public void reset(long baseTime) {
		this.series.reset();
		this.floats.reset();
		this.histograms.reset();
		this.floatHistograms.reset();
		this.seriesCount = 0;
		this.floatCount = 0;
		this.histogramCount = 0;
		this.floatHistogramCount = 0;
		this.baseTime = baseTime;
	}

	public void series(int ref, Labels labels) {
		this.series.putUvarint(ref).putUvarint(labels.size());
		for (int i = 0; i < labels.size(); i++) {
			this.series.putUvarintString(labels.name(i)).putUvarintString(labels.value(i));
		}
		this.seriesCount++;
	}

	public void floatSample(int ref, long t, double v) {
		this.floats.putUvarint(ref).putVarint(t - this.baseTime).putBE64(Double.doubleToRawLongBits(v));
		this.floatCount++;
	}

	public void histogram(int ref, long t, Histogram h) {
		this.histograms.putUvarint(ref).putVarint(t - this.baseTime);
		HistogramCodec.write(this.histograms, h);
		this.histogramCount++;
	}

	public void floatHistogram(int ref, long t, FloatHistogram h) {
		this.floatHistograms.putUvarint(ref).putVarint(t - this.baseTime);
		HistogramCodec.write(this.floatHistograms, h);
		this.floatHistogramCount++;
	}

	/** The record for batch {@code id}, with everything added since {@link #reset}. */
	public ByteBuffer encode(BatchId id, long maxTime) {
		Encoder out = new Encoder(48 + this.series.length() + this.floats.length() + this.histograms.length()
				+ this.floatHistograms.length());
		out.putByte(KIND_BATCH).putBE64(id.high()).putBE64(id.low()).putVarint(maxTime).putVarint(this.baseTime);
		out.putUvarint(this.seriesCount).putBytes(this.series.array(), 0, this.series.length());
		out.putUvarint(this.floatCount).putBytes(this.floats.array(), 0, this.floats.length());
		out.putUvarint(this.histogramCount).putBytes(this.histograms.array(), 0, this.histograms.length());
		out.putUvarint(this.floatHistogramCount).putBytes(this.floatHistograms.array(), 0, this.floatHistograms.length());
		return out.asByteBuffer();
	}

	/**
	 * Replays a record into {@code visitor}: the batch first, then its new series, then its samples.
	 * @throws CorruptionException if the record is not one this writes
	 */
	public static void replay(byte[] record, Visitor visitor) {
		Decoder in = Decoder.of(record);
		int kind = in.readByte();
		if (kind != KIND_BATCH) {
			throw new CorruptionException("Unknown write-ahead log record kind " + kind);
		}
		BatchId id = new BatchId(in.readBE64(), in.readBE64());
		long maxTime = in.readVarint();
		long baseTime = in.readVarint();
		visitor.batch(id, maxTime);
		int series = HistogramCodec.boundedCount(in);
		for (int i = 0; i < series; i++) {
			int ref = in.readUvarintInt();
			String[] pairs = new String[2 * HistogramCodec.boundedCount(in)];
			for (int j = 0; j < pairs.length; j++) {
				pairs[j] = in.readUvarintString();
			}
			visitor.series(ref, Labels.ofSortedPairs(pairs));
		}
		int floats = HistogramCodec.boundedCount(in);
		for (int i = 0; i < floats; i++) {
			visitor.floatSample(in.readUvarintInt(), baseTime + in.readVarint(), Double.longBitsToDouble(in.readBE64()));
		}
		int histograms = HistogramCodec.boundedCount(in);
		for (int i = 0; i < histograms; i++) {
			int ref = in.readUvarintInt();
			long t = baseTime + in.readVarint();
			visitor.histogram(ref, t, HistogramCodec.readHistogram(in));
		}
		int floatHistograms = HistogramCodec.boundedCount(in);
		for (int i = 0; i < floatHistograms; i++) {
			int ref = in.readUvarintInt();
			long t = baseTime + in.readVarint();
			visitor.floatHistogram(ref, t, HistogramCodec.readFloatHistogram(in));
		}
	}

}
