package io.prometheusrelay.protocol.remotewrite;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * A view of one encoded {@code prometheus.TimeSeries} inside a {@code WriteRequest}'s bytes. The
 * {@link WriteRequestReader} reuses one instance for every series, so a visitor must copy what it
 * keeps; label names and values stay as offsets into the request until someone asks for them.
 * <p>
 * Longer than this project's usual 300 lines on purpose: it is the whole of {@code TimeSeries}'s wire
 * layout that the pipeline reads (labels, samples, where each histogram and exemplar is), each field read where
 * its offsets are kept, with no allocation per series; split, the offsets would be shared through
 * accessors on the hot path.
 */
public final class EncodedSeries {

	private static final int LABEL_FIELD_TAG = (1 << 3) | ProtoCursor.LEN;

	/** A {@code Label}'s name field, 1, and value field, 2, both length-delimited. */
	private static final byte NAME_TAG = (1 << 3) | ProtoCursor.LEN;

	private static final byte VALUE_TAG = (2 << 3) | ProtoCursor.LEN;

	private byte[] buf;

	private int start;

	private int length;

	private int labelCount;

	private int[] nameOffsets = new int[16];

	private int[] nameLengths = new int[16];

	private int[] valueOffsets = new int[16];

	private int[] valueLengths = new int[16];

	/** Whether the label fields form one run already in canonical encoding; see {@link #hasCanonicalLabels()}. */
	private boolean labelsCanonical;

	private int labelsOffset;

	private int labelsEnd;

	private int sampleCount;

	private double[] values = new double[4];

	private long[] timestamps = new long[4];

	/** Where each histogram's encoded {@code Histogram} message is, and its timestamp. */
	private final Parts histograms = new Parts();

	/** Where each exemplar's encoded {@code Exemplar} message is, and its timestamp. */
	private final Parts exemplars = new Parts();

	/** Field 6, this project's: remote-write 2.0's created timestamp; 0 for none. */
	private long createdTimestamp;

	private long minTimestamp;

	private long maxTimestamp;

	EncodedSeries() {
	}

	void read(byte[] buf, int start, int length) throws InvalidProtocolBufferException {
		this.buf = buf;
		this.start = start;
		this.length = length;
		this.labelCount = 0;
		this.sampleCount = 0;
		this.histograms.clear();
		this.exemplars.clear();
		this.createdTimestamp = 0;
		this.minTimestamp = Long.MAX_VALUE;
		this.maxTimestamp = Long.MIN_VALUE;
		this.labelsCanonical = true;
		this.labelsOffset = start;
		this.labelsEnd = start;
		ProtoCursor cursor = new ProtoCursor(buf, start, length);
		while (cursor.hasMore()) {
			int fieldStart = cursor.position();
			int tag = cursor.readTag();
			switch (tag >>> 3) {
				case 1 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					int labelStart = cursor.readLengthDelimited();
					int labelLength = cursor.lengthSince(labelStart);
					boolean shortForm = readLabel(buf, labelStart, labelLength);
					noteLabelEncoding(fieldStart, labelStart, labelLength, shortForm);
				}
				case 2 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					int sampleStart = cursor.readLengthDelimited();
					readSample(buf, sampleStart, cursor.lengthSince(sampleStart));
				}
				case 3 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					int exemplarStart = cursor.readLengthDelimited();
					readExemplar(buf, exemplarStart, cursor.lengthSince(exemplarStart));
				}
				case 4 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					int histogramStart = cursor.readLengthDelimited();
					readHistogram(buf, histogramStart, cursor.lengthSince(histogramStart));
				}
				case 6 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.VARINT);
					this.createdTimestamp = cursor.readVarint();
				}
				default -> cursor.skipField(tag);
			}
		}
	}

	/**
	 * Keeps {@link #labelsCanonical} true only while every label field follows the previous one
	 * directly, is encoded minimally, and sorts after it: then the run of label fields is exactly
	 * what {@link #canonicalLabels()} would produce. A label in the short form is minimal inside by
	 * what that form is; only its field's tag and length are left to check.
	 */
	private void noteLabelEncoding(int fieldStart, int labelStart, int labelLength, boolean shortForm) {
		if (!this.labelsCanonical) {
			return;
		}
		int i = this.labelCount - 1;
		boolean contiguous = (i == 0) ? (fieldStart == this.start) : (fieldStart == this.labelsEnd);
		boolean minimal = (this.buf[fieldStart] == LABEL_FIELD_TAG) && labelStart - fieldStart == 1 + varintSize(labelLength)
				&& (shortForm || labelLength == labelMessageSize(i) && (this.nameLengths[i] == 0
						|| this.nameOffsets[i] < this.valueOffsets[i] || this.valueLengths[i] == 0));
		boolean sorted = (i == 0) || compareNames(i - 1, i) < 0;
		this.labelsCanonical = contiguous && minimal && sorted;
		this.labelsEnd = labelStart + labelLength;
	}

	/** Reads the next label; true if it was in the short form {@link #readTwoShortStrings} reads. */
	private boolean readLabel(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
		if (this.labelCount == this.nameOffsets.length) {
			int grown = this.labelCount * 2;
			this.nameOffsets = Arrays.copyOf(this.nameOffsets, grown);
			this.nameLengths = Arrays.copyOf(this.nameLengths, grown);
			this.valueOffsets = Arrays.copyOf(this.valueOffsets, grown);
			this.valueLengths = Arrays.copyOf(this.valueLengths, grown);
		}
		int i = this.labelCount++;
		if (readTwoShortStrings(buf, offset, length, i)) {
			return true;
		}
		this.nameOffsets[i] = offset;
		this.nameLengths[i] = 0;
		this.valueOffsets[i] = offset;
		this.valueLengths[i] = 0;
		ProtoCursor cursor = new ProtoCursor(buf, offset, length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			int field = tag >>> 3;
			if (field == 1 || field == 2) {
				ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
				int stringStart = cursor.readLengthDelimited();
				int stringLength = cursor.lengthSince(stringStart);
				if (field == 1) {
					this.nameOffsets[i] = stringStart;
					this.nameLengths[i] = stringLength;
				}
				else {
					this.valueOffsets[i] = stringStart;
					this.valueLengths[i] = stringLength;
				}
			}
			else {
				cursor.skipField(tag);
			}
		}
		return false;
	}

	/**
	 * Reads label {@code i} if it is a name and then a value, each under 128 bytes and not empty: the
	 * shape Prometheus sends nearly every label in. Anything else is left to the field by field read.
	 */
	private boolean readTwoShortStrings(byte[] buf, int offset, int length, int i) {
		if (length < 4 || buf[offset] != NAME_TAG) {
			return false;
		}
		int nameLength = buf[offset + 1];
		int valueTag = offset + 2 + nameLength;
		// A length byte of 128 or more reads negative: a longer name or value, not this shape.
		if (nameLength <= 0 || valueTag + 2 > offset + length || buf[valueTag] != VALUE_TAG) {
			return false;
		}
		int valueLength = buf[valueTag + 1];
		if (valueLength <= 0 || 4 + nameLength + valueLength != length) {
			return false;
		}
		this.nameOffsets[i] = offset + 2;
		this.nameLengths[i] = nameLength;
		this.valueOffsets[i] = valueTag + 2;
		this.valueLengths[i] = valueLength;
		return true;
	}

	private void readSample(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
		double value = 0;
		long timestamp = 0;
		ProtoCursor cursor = new ProtoCursor(buf, offset, length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			switch (tag >>> 3) {
				case 1 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.FIXED64);
					value = cursor.readDouble();
				}
				case 2 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.VARINT);
					timestamp = cursor.readVarint();
				}
				default -> cursor.skipField(tag);
			}
		}
		if (this.sampleCount == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.sampleCount * 2);
			this.timestamps = Arrays.copyOf(this.timestamps, this.sampleCount * 2);
		}
		this.values[this.sampleCount] = value;
		this.timestamps[this.sampleCount] = timestamp;
		this.sampleCount++;
		noteTimestamp(timestamp);
	}

	private void readHistogram(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
		long timestamp = timestampField(buf, offset, length, 15);
		this.histograms.add(offset, length, timestamp);
		noteTimestamp(timestamp);
	}

	/** An exemplar's timestamp is its own; it does not count among the series' sample timestamps. */
	private void readExemplar(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
		this.exemplars.add(offset, length, timestampField(buf, offset, length, 3));
	}

	/** The varint field {@code field} of the message {@code buf[offset, offset + length)}; 0 when absent. */
	static long timestampField(byte[] buf, int offset, int length, int field)
			throws InvalidProtocolBufferException {
		long timestamp = 0;
		ProtoCursor cursor = new ProtoCursor(buf, offset, length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			if (tag >>> 3 == field) {
				ProtoCursor.expectWireType(tag, ProtoCursor.VARINT);
				timestamp = cursor.readVarint();
			}
			else {
				cursor.skipField(tag);
			}
		}
		return timestamp;
	}

	private void noteTimestamp(long timestamp) {
		this.minTimestamp = Math.min(this.minTimestamp, timestamp);
		this.maxTimestamp = Math.max(this.maxTimestamp, timestamp);
	}

	/** The request's bytes this view points into. */
	public byte[] buffer() {
		return this.buf;
	}

	/** Offset of the encoded TimeSeries message (its bytes, without field tag and length). */
	public int offset() {
		return this.start;
	}

	/** Length of the encoded TimeSeries message. */
	public int length() {
		return this.length;
	}

	public int labelCount() {
		return this.labelCount;
	}

	public int nameOffset(int label) {
		return this.nameOffsets[label];
	}

	public int nameLength(int label) {
		return this.nameLengths[label];
	}

	public int valueOffset(int label) {
		return this.valueOffsets[label];
	}

	public int valueLength(int label) {
		return this.valueLengths[label];
	}

	public String name(int label) {
		return new String(this.buf, this.nameOffsets[label], this.nameLengths[label], StandardCharsets.UTF_8);
	}

	public String value(int label) {
		return new String(this.buf, this.valueOffsets[label], this.valueLengths[label], StandardCharsets.UTF_8);
	}

	/** Compares two label names by their UTF-8 bytes, which is the order Prometheus sorts them in. */
	public int compareNames(int a, int b) {
		// Names nearly always differ in their first byte: decide there without a range compare.
		if (this.nameLengths[a] > 0 && this.nameLengths[b] > 0) {
			int first = Integer.compare(this.buf[this.nameOffsets[a]] & 0xFF, this.buf[this.nameOffsets[b]] & 0xFF);
			if (first != 0) {
				return first;
			}
		}
		return Arrays.compareUnsigned(this.buf, this.nameOffsets[a], this.nameOffsets[a] + this.nameLengths[a],
				this.buf, this.nameOffsets[b], this.nameOffsets[b] + this.nameLengths[b]);
	}

	public boolean nameEquals(int label, byte[] name) {
		return Arrays.equals(this.buf, this.nameOffsets[label], this.nameOffsets[label] + this.nameLengths[label],
				name, 0, name.length);
	}

	/**
	 * Whether the series' label fields, as sent, already are its {@link #canonicalLabels()}: one
	 * contiguous run, sorted by name, names unique, minimally encoded. Prometheus sends labels this
	 * way, so the canonical form can usually be read in place at {@link #labelsOffset()}.
	 */
	public boolean hasCanonicalLabels() {
		return this.labelsCanonical && this.labelCount > 0;
	}

	/** Offset of the label fields in {@link #buffer()}; meaningful when {@link #hasCanonicalLabels()}. */
	public int labelsOffset() {
		return this.labelsOffset;
	}

	/** Length of the label fields; meaningful when {@link #hasCanonicalLabels()}. */
	public int labelsLength() {
		return this.labelsEnd - this.labelsOffset;
	}

	/** Label indexes in name order; the identity when the sender sorted them, as the spec asks. */
	public int[] labelOrder() {
		int[] order = new int[this.labelCount];
		boolean sorted = true;
		for (int i = 0; i < this.labelCount; i++) {
			order[i] = i;
			if (i > 0 && compareNames(i - 1, i) > 0) {
				sorted = false;
			}
		}
		if (!sorted) {
			Integer[] boxed = new Integer[this.labelCount];
			for (int i = 0; i < boxed.length; i++) {
				boxed[i] = i;
			}
			Arrays.sort(boxed, this::compareNames);
			for (int i = 0; i < boxed.length; i++) {
				order[i] = boxed[i];
			}
		}
		return order;
	}

	/**
	 * The labels as the protobuf encoding of a TimeSeries' {@code labels} field (tag, length and
	 * Label message per label), sorted by name, empty strings omitted as protobuf itself omits them.
	 * Two series have the same identity exactly when these bytes are equal, and they can be written
	 * unchanged into an outgoing TimeSeries message.
	 */
	public byte[] canonicalLabels() {
		int[] order = labelOrder();
		byte[] out = new byte[canonicalLabelsLength(order)];
		writeCanonicalLabels(order, out, 0);
		return out;
	}

	/** Bytes {@link #canonicalLabels()} takes, for labels in the given {@link #labelOrder()}. */
	public int canonicalLabelsLength(int[] order) {
		int size = 0;
		for (int i : order) {
			int labelSize = labelMessageSize(i);
			size += 1 + varintSize(labelSize) + labelSize;
		}
		return size;
	}

	/**
	 * Writes {@link #canonicalLabels()} into {@code out} at {@code offset}, for callers that reuse a
	 * buffer; returns the offset after them.
	 */
	public int writeCanonicalLabels(int[] order, byte[] out, int offset) {
		int pos = offset;
		for (int i : order) {
			out[pos++] = (byte) LABEL_FIELD_TAG;
			pos = writeVarint(out, pos, labelMessageSize(i));
			pos = writeString(out, pos, 1, this.nameOffsets[i], this.nameLengths[i]);
			pos = writeString(out, pos, 2, this.valueOffsets[i], this.valueLengths[i]);
		}
		return pos;
	}

	private int labelMessageSize(int i) {
		return stringFieldSize(this.nameLengths[i]) + stringFieldSize(this.valueLengths[i]);
	}

	private static int stringFieldSize(int length) {
		return (length == 0) ? 0 : 1 + varintSize(length) + length;
	}

	private int writeString(byte[] out, int pos, int field, int offset, int length) {
		if (length == 0) {
			return pos;
		}
		out[pos++] = (byte) ((field << 3) | ProtoCursor.LEN);
		pos = writeVarint(out, pos, length);
		System.arraycopy(this.buf, offset, out, pos, length);
		return pos + length;
	}

	static int varintSize(int value) {
		int size = 1;
		while ((value & ~0x7F) != 0) {
			value >>>= 7;
			size++;
		}
		return size;
	}

	static int writeVarint(byte[] out, int pos, int value) {
		while ((value & ~0x7F) != 0) {
			out[pos++] = (byte) ((value & 0x7F) | 0x80);
			value >>>= 7;
		}
		out[pos++] = (byte) value;
		return pos;
	}

	public int sampleCount() {
		return this.sampleCount;
	}

	public double sampleValue(int sample) {
		return this.values[sample];
	}

	public long sampleTimestamp(int sample) {
		return this.timestamps[sample];
	}

	public int histogramCount() {
		return this.histograms.count;
	}

	/** Where histogram {@code histogram}'s encoded {@code Histogram} message starts in {@link #buffer()}. */
	public int histogramOffset(int histogram) {
		return this.histograms.offsets[histogram];
	}

	public int histogramLength(int histogram) {
		return this.histograms.lengths[histogram];
	}

	public long histogramTimestamp(int histogram) {
		return this.histograms.timestamps[histogram];
	}

	/** A copy of histogram {@code histogram}'s encoded {@code Histogram} message, to keep past the visit. */
	public byte[] histogram(int histogram) {
		return this.histograms.copy(this.buf, histogram);
	}

	/** When the series' samples started counting (remote-write 2.0's created timestamp); 0 when not known. */
	public long createdTimestamp() {
		return this.createdTimestamp;
	}

	public int exemplarCount() {
		return this.exemplars.count;
	}

	/** Where exemplar {@code exemplar}'s encoded {@code Exemplar} message starts in {@link #buffer()}. */
	public int exemplarOffset(int exemplar) {
		return this.exemplars.offsets[exemplar];
	}

	public int exemplarLength(int exemplar) {
		return this.exemplars.lengths[exemplar];
	}

	public long exemplarTimestamp(int exemplar) {
		return this.exemplars.timestamps[exemplar];
	}

	/** A copy of exemplar {@code exemplar}'s encoded {@code Exemplar} message, to keep past the visit. */
	public byte[] exemplar(int exemplar) {
		return this.exemplars.copy(this.buf, exemplar);
	}

	/** Smallest timestamp over samples and histograms; {@code Long.MAX_VALUE} when there are none. */
	public long minTimestamp() {
		return this.minTimestamp;
	}

	/** Largest timestamp over samples and histograms; {@code Long.MIN_VALUE} when there are none. */
	public long maxTimestamp() {
		return this.maxTimestamp;
	}

	/** Where each element of a repeated message field is in the buffer, and its timestamp; reused series after series. */
	private static final class Parts {

		int count;

		int[] offsets = new int[4];

		int[] lengths = new int[4];

		long[] timestamps = new long[4];

		void clear() {
			this.count = 0;
		}

		void add(int offset, int length, long timestamp) {
			if (this.count == this.offsets.length) {
				int grown = this.count * 2;
				this.offsets = Arrays.copyOf(this.offsets, grown);
				this.lengths = Arrays.copyOf(this.lengths, grown);
				this.timestamps = Arrays.copyOf(this.timestamps, grown);
			}
			this.offsets[this.count] = offset;
			this.lengths[this.count] = length;
			this.timestamps[this.count] = timestamp;
			this.count++;
		}

		byte[] copy(byte[] buf, int part) {
			return Arrays.copyOfRange(buf, this.offsets[part], this.offsets[part] + this.lengths[part]);
		}

	}

}
