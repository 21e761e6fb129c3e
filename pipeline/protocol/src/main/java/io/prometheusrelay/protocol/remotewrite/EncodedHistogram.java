package io.prometheusrelay.protocol.remotewrite;

import java.util.Arrays;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * One encoded {@code prometheus.Histogram} (a native histogram, the same message in remote-write
 * 1.0 and 2.0) read into plain fields, for checking it before it is stored. One instance is reused
 * for histogram after histogram: its arrays grow to the largest seen and are not shrunk. Repeated
 * numbers are read packed or not, as protobuf parsers must.
 * <p>
 * Longer than this project's usual 300 lines on purpose: it is the whole of {@code Histogram}'s
 * wire format, with the readers of its two repeated fields (spans, numbers), which nothing else
 * reads.
 */
public final class EncodedHistogram {

	private boolean countFloat;

	private long countInt;

	private double countFloatValue;

	private double sum;

	private int schema;

	private double zeroThreshold;

	/** 0 for none set, else the field number that set it: 6 (integer) or 7 (float). */
	private int zeroCountField;

	private long zeroCountInt;

	private double zeroCountFloat;

	private final Spans negativeSpans = new Spans();

	private final Spans positiveSpans = new Spans();

	private final Numbers negativeDeltas = new Numbers();

	private final Numbers negativeCounts = new Numbers();

	private final Numbers positiveDeltas = new Numbers();

	private final Numbers positiveCounts = new Numbers();

	private final Numbers customValues = new Numbers();

	/** Reads the message {@code buf[offset, offset + length)}. */
	public void read(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
		this.countFloat = false;
		this.countInt = 0;
		this.countFloatValue = 0;
		this.sum = 0;
		this.schema = 0;
		this.zeroThreshold = 0;
		this.zeroCountField = 0;
		this.zeroCountInt = 0;
		this.zeroCountFloat = 0;
		this.negativeSpans.clear();
		this.positiveSpans.clear();
		this.negativeDeltas.clear();
		this.negativeCounts.clear();
		this.positiveDeltas.clear();
		this.positiveCounts.clear();
		this.customValues.clear();
		ProtoCursor cursor = new ProtoCursor(buf, offset, length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			switch (tag >>> 3) {
				case 1 -> {
					this.countInt = varint(cursor, tag);
					this.countFloat = false;
				}
				case 2 -> {
					this.countFloatValue = fixed64(cursor, tag);
					this.countFloat = true;
				}
				case 3 -> this.sum = fixed64(cursor, tag);
				case 4 -> this.schema = zigZag32(varint(cursor, tag));
				case 5 -> this.zeroThreshold = fixed64(cursor, tag);
				case 6 -> {
					this.zeroCountInt = varint(cursor, tag);
					this.zeroCountField = 6;
				}
				case 7 -> {
					this.zeroCountFloat = fixed64(cursor, tag);
					this.zeroCountField = 7;
				}
				case 8 -> this.negativeSpans.read(buf, cursor, tag);
				case 9 -> this.negativeDeltas.readSint64(buf, cursor, tag);
				case 10 -> this.negativeCounts.readDoubles(buf, cursor, tag);
				case 11 -> this.positiveSpans.read(buf, cursor, tag);
				case 12 -> this.positiveDeltas.readSint64(buf, cursor, tag);
				case 13 -> this.positiveCounts.readDoubles(buf, cursor, tag);
				case 16 -> this.customValues.readDoubles(buf, cursor, tag);
				default -> cursor.skipField(tag);
			}
		}
	}

	/** Whether the count is a float ({@code count_float}): a float histogram; else an integer one. */
	public boolean isFloatHistogram() {
		return this.countFloat;
	}

	/** The integer count, unsigned. */
	public long countInt() {
		return this.countInt;
	}

	public double countFloat() {
		return this.countFloatValue;
	}

	public double sum() {
		return this.sum;
	}

	public int schema() {
		return this.schema;
	}

	public double zeroThreshold() {
		return this.zeroThreshold;
	}

	public boolean hasIntegerZeroCount() {
		return this.zeroCountField == 6;
	}

	public boolean hasFloatZeroCount() {
		return this.zeroCountField == 7;
	}

	/** The integer zero count, unsigned. */
	public long zeroCountInt() {
		return this.zeroCountInt;
	}

	public double zeroCountFloat() {
		return this.zeroCountFloat;
	}

	public Spans negativeSpans() {
		return this.negativeSpans;
	}

	public Spans positiveSpans() {
		return this.positiveSpans;
	}

	/** Negative buckets of an integer histogram: each the difference from the previous bucket's count. */
	public Numbers negativeDeltas() {
		return this.negativeDeltas;
	}

	/** Negative buckets of a float histogram: absolute counts. */
	public Numbers negativeCounts() {
		return this.negativeCounts;
	}

	public Numbers positiveDeltas() {
		return this.positiveDeltas;
	}

	public Numbers positiveCounts() {
		return this.positiveCounts;
	}

	/** Upper bounds of the custom buckets (schema -53). */
	public Numbers customValues() {
		return this.customValues;
	}

	private static long varint(ProtoCursor cursor, int tag) throws InvalidProtocolBufferException {
		ProtoCursor.expectWireType(tag, ProtoCursor.VARINT);
		return cursor.readVarint();
	}

	private static double fixed64(ProtoCursor cursor, int tag) throws InvalidProtocolBufferException {
		ProtoCursor.expectWireType(tag, ProtoCursor.FIXED64);
		return cursor.readDouble();
	}

	private static int zigZag32(long encoded) {
		int value = (int) encoded;
		return (value >>> 1) ^ -(value & 1);
	}

	private static long zigZag64(long encoded) {
		return (encoded >>> 1) ^ -(encoded & 1);
	}

	/** A histogram side's spans: runs of consecutive buckets, each after a gap ({@code offset}). */
	public static final class Spans {

		private int[] offsets = new int[8];

		private long[] lengths = new long[8];

		private int size;

		public int size() {
			return this.size;
		}

		public int offset(int span) {
			return this.offsets[span];
		}

		/** The span's length, unsigned 32-bit. */
		public long length(int span) {
			return this.lengths[span];
		}

		void clear() {
			this.size = 0;
		}

		void read(byte[] buf, ProtoCursor cursor, int tag) throws InvalidProtocolBufferException {
			ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
			int start = cursor.readLengthDelimited();
			ProtoCursor span = new ProtoCursor(buf, start, cursor.lengthSince(start));
			int offset = 0;
			long length = 0;
			while (span.hasMore()) {
				int field = span.readTag();
				switch (field >>> 3) {
					case 1 -> offset = zigZag32(varint(span, field));
					case 2 -> length = varint(span, field) & 0xFFFFFFFFL;
					default -> span.skipField(field);
				}
			}
			if (this.size == this.offsets.length) {
				this.offsets = Arrays.copyOf(this.offsets, this.size * 2);
				this.lengths = Arrays.copyOf(this.lengths, this.size * 2);
			}
			this.offsets[this.size] = offset;
			this.lengths[this.size] = length;
			this.size++;
		}

	}

	/** A repeated number field: sint64 deltas, or doubles (kept as their bits); read packed or one by one. */
	public static final class Numbers {

		private long[] longs = new long[16];

		private int size;

		public int size() {
			return this.size;
		}

		public long longAt(int index) {
			return this.longs[index];
		}

		public double doubleAt(int index) {
			return Double.longBitsToDouble(this.longs[index]);
		}

		void clear() {
			this.size = 0;
		}

		void readSint64(byte[] buf, ProtoCursor cursor, int tag) throws InvalidProtocolBufferException {
			if ((tag & 7) == ProtoCursor.VARINT) {
				add(zigZag64(cursor.readVarint()));
				return;
			}
			ProtoCursor packed = packed(buf, cursor, tag);
			while (packed.hasMore()) {
				add(zigZag64(packed.readVarint()));
			}
		}

		void readDoubles(byte[] buf, ProtoCursor cursor, int tag) throws InvalidProtocolBufferException {
			if ((tag & 7) == ProtoCursor.FIXED64) {
				add(cursor.readFixed64());
				return;
			}
			ProtoCursor packed = packed(buf, cursor, tag);
			while (packed.hasMore()) {
				add(packed.readFixed64());
			}
		}

		private static ProtoCursor packed(byte[] buf, ProtoCursor cursor, int tag) throws InvalidProtocolBufferException {
			ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
			int start = cursor.readLengthDelimited();
			return new ProtoCursor(buf, start, cursor.lengthSince(start));
		}

		private void add(long value) {
			if (this.size == this.longs.length) {
				this.longs = Arrays.copyOf(this.longs, this.size * 2);
			}
			this.longs[this.size++] = value;
		}

	}

}
