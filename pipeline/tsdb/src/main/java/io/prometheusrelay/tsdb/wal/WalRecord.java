package io.prometheusrelay.tsdb.wal;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.prometheusrelay.tsdb.encoding.Decoder;
import io.prometheusrelay.tsdb.encoding.Encoder;
import io.prometheusrelay.tsdb.encoding.ModelCodec;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.MetricMetadata;
import io.prometheusrelay.tsdb.model.StoredBatch;

/**
 * One batch in the write-ahead log:
 *
 * <pre>
 * kind:u8 (1)  id:16 bytes  minTime:varint maxTime:varint storedAt:varint  baseTime:varint
 * series:      count, then ref:uvarint labels:(count, then name:string value:string)   (new ones only)
 * floats:      count, then ref:uvarint (t - baseTime):varint value:u64
 * histograms:  count, then ref:uvarint (t - baseTime):varint histogram      (then float histograms alike)
 * exemplars:   count, then ref:uvarint (t - baseTime):varint value:u64 labels
 * created:     count, then ref:uvarint created:varint (minTime - baseTime):varint (maxTime - minTime):uvarint
 * metadata:    count, then family:string type:u8 help:string unit:string
 * </pre>
 *
 * A series' labels are written once, by the first batch that brings it; everything after that names
 * it by reference. Counts are uvarints, strings length-prefixed UTF-8.
 */
public final class WalRecord {

	static final int KIND_BATCH = 1;

	private final Encoder series = new Encoder(256);

	private final Encoder floats = new Encoder(1024);

	private final Encoder histograms = new Encoder(64);

	private final Encoder floatHistograms = new Encoder(64);

	private final Encoder exemplars = new Encoder(64);

	private final Encoder created = new Encoder(64);

	private final Encoder metadata = new Encoder(64);

	private final int[] counts = new int[7];

	private long baseTime;

	/** What replaying a record does with what it holds, in this order. */
	public interface Visitor {

		void batch(StoredBatch batch);

		void series(int ref, Labels labels);

		void floatSample(int ref, long t, double v);

		void histogram(int ref, long t, Histogram h);

		void floatHistogram(int ref, long t, FloatHistogram h);

		void exemplar(int ref, Exemplar exemplar);

		void created(int ref, long createdTimestamp, long minTime, long maxTime);

		void metadata(MetricMetadata metadata);

	}

	/** Starts a record whose timestamps are written relative to {@code baseTime}. */
	public void reset(long baseTime) {
		for (Encoder section : new Encoder[] { this.series, this.floats, this.histograms, this.floatHistograms,
				this.exemplars, this.created, this.metadata }) {
			section.reset();
		}
		Arrays.fill(this.counts, 0);
		this.baseTime = baseTime;
	}

	public void series(int ref, Labels labels) {
		this.series.putUvarint(ref);
		ModelCodec.putLabels(this.series, labels);
		this.counts[0]++;
	}

	public void floatSample(int ref, long t, double v) {
		this.floats.putUvarint(ref).putVarint(t - this.baseTime).putBE64(Double.doubleToRawLongBits(v));
		this.counts[1]++;
	}

	public void histogram(int ref, long t, Histogram h) {
		this.histograms.putUvarint(ref).putVarint(t - this.baseTime);
		HistogramCodec.write(this.histograms, h);
		this.counts[2]++;
	}

	public void floatHistogram(int ref, long t, FloatHistogram h) {
		this.floatHistograms.putUvarint(ref).putVarint(t - this.baseTime);
		HistogramCodec.write(this.floatHistograms, h);
		this.counts[3]++;
	}

	public void exemplar(int ref, Exemplar exemplar) {
		this.exemplars.putUvarint(ref)
			.putVarint(exemplar.timestamp() - this.baseTime)
			.putBE64(Double.doubleToRawLongBits(exemplar.value()));
		ModelCodec.putLabels(this.exemplars, exemplar.labels());
		this.counts[4]++;
	}

	public void created(int ref, long createdTimestamp, long minTime, long maxTime) {
		this.created.putUvarint(ref)
			.putVarint(createdTimestamp)
			.putVarint(minTime - this.baseTime)
			.putUvarint(maxTime - minTime);
		this.counts[5]++;
	}

	public void metadata(MetricMetadata metadata) {
		ModelCodec.putMetadata(this.metadata, metadata);
		this.counts[6]++;
	}

	/** The record for {@code batch}, with everything added since {@link #reset}. */
	public ByteBuffer encode(StoredBatch batch) {
		Encoder[] sections = { this.series, this.floats, this.histograms, this.floatHistograms, this.exemplars,
				this.created, this.metadata };
		int size = 64;
		for (Encoder section : sections) {
			size += section.length() + 5;
		}
		Encoder out = new Encoder(size);
		out.putByte(KIND_BATCH).putBE64(batch.id().high()).putBE64(batch.id().low());
		out.putVarint(batch.minTime()).putVarint(batch.maxTime()).putVarint(batch.storedAt()).putVarint(this.baseTime);
		for (int i = 0; i < sections.length; i++) {
			out.putUvarint(this.counts[i]).putBytes(sections[i].array(), 0, sections[i].length());
		}
		return out.asByteBuffer();
	}

	/**
	 * Replays a record into {@code visitor}: the batch first, then its new series, samples, exemplars,
	 * created timestamps and metadata.
	 * @throws CorruptionException if the record is not one this writes
	 */
	public static void replay(byte[] record, Visitor visitor) {
		Decoder in = Decoder.of(record);
		int kind = in.readByte();
		if (kind != KIND_BATCH) {
			throw new CorruptionException("Unknown write-ahead log record kind " + kind);
		}
		BatchId id = new BatchId(in.readBE64(), in.readBE64());
		visitor.batch(new StoredBatch(id, in.readVarint(), in.readVarint(), in.readVarint()));
		long baseTime = in.readVarint();
		int series = ModelCodec.boundedCount(in);
		for (int i = 0; i < series; i++) {
			visitor.series(in.readUvarintInt(), ModelCodec.readLabels(in));
		}
		int floats = ModelCodec.boundedCount(in);
		for (int i = 0; i < floats; i++) {
			visitor.floatSample(in.readUvarintInt(), baseTime + in.readVarint(), Double.longBitsToDouble(in.readBE64()));
		}
		int histograms = ModelCodec.boundedCount(in);
		for (int i = 0; i < histograms; i++) {
			int ref = in.readUvarintInt();
			long t = baseTime + in.readVarint();
			visitor.histogram(ref, t, HistogramCodec.readHistogram(in));
		}
		int floatHistograms = ModelCodec.boundedCount(in);
		for (int i = 0; i < floatHistograms; i++) {
			int ref = in.readUvarintInt();
			long t = baseTime + in.readVarint();
			visitor.floatHistogram(ref, t, HistogramCodec.readFloatHistogram(in));
		}
		int exemplars = ModelCodec.boundedCount(in);
		for (int i = 0; i < exemplars; i++) {
			int ref = in.readUvarintInt();
			long t = baseTime + in.readVarint();
			double value = Double.longBitsToDouble(in.readBE64());
			visitor.exemplar(ref, new Exemplar(ModelCodec.readLabels(in), value, t));
		}
		int created = ModelCodec.boundedCount(in);
		for (int i = 0; i < created; i++) {
			int ref = in.readUvarintInt();
			long createdTimestamp = in.readVarint();
			long minTime = baseTime + in.readVarint();
			visitor.created(ref, createdTimestamp, minTime, minTime + in.readUvarint());
		}
		int metadata = ModelCodec.boundedCount(in);
		for (int i = 0; i < metadata; i++) {
			visitor.metadata(ModelCodec.readMetadata(in));
		}
	}

}
