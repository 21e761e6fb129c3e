package io.prometheusrelay.protocol.remotewrite;

import java.util.Arrays;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * One encoded remote-write 1.0 {@code prometheus.Exemplar} read into offsets: its labels (as
 * offsets into the buffer), value and timestamp, for checking it before it is stored. One instance
 * is reused for exemplar after exemplar.
 */
public final class EncodedExemplar {

	private byte[] buf = new byte[0];

	private int labelCount;

	/** Per label: name offset, name length, value offset, value length. */
	private int[] labels = new int[4 * 4];

	private double value;

	private long timestamp;

	/** Reads the message {@code buf[offset, offset + length)}. */
	public void read(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
		this.buf = buf;
		this.labelCount = 0;
		this.value = 0;
		this.timestamp = 0;
		ProtoCursor cursor = new ProtoCursor(buf, offset, length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			switch (tag >>> 3) {
				case 1 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					int start = cursor.readLengthDelimited();
					readLabel(cursor.lengthSince(start), start);
				}
				case 2 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.FIXED64);
					this.value = cursor.readDouble();
				}
				case 3 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.VARINT);
					this.timestamp = cursor.readVarint();
				}
				default -> cursor.skipField(tag);
			}
		}
	}

	private void readLabel(int length, int offset) throws InvalidProtocolBufferException {
		if (4 * this.labelCount == this.labels.length) {
			this.labels = Arrays.copyOf(this.labels, this.labels.length * 2);
		}
		int i = 4 * this.labelCount++;
		this.labels[i] = offset;
		this.labels[i + 1] = 0;
		this.labels[i + 2] = offset;
		this.labels[i + 3] = 0;
		ProtoCursor cursor = new ProtoCursor(this.buf, offset, length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			int field = tag >>> 3;
			if (field == 1 || field == 2) {
				ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
				int start = cursor.readLengthDelimited();
				int at = i + 2 * (field - 1);
				this.labels[at] = start;
				this.labels[at + 1] = cursor.lengthSince(start);
			}
			else {
				cursor.skipField(tag);
			}
		}
	}

	/** The buffer the label offsets point into. */
	public byte[] buffer() {
		return this.buf;
	}

	public int labelCount() {
		return this.labelCount;
	}

	public int nameOffset(int label) {
		return this.labels[4 * label];
	}

	public int nameLength(int label) {
		return this.labels[4 * label + 1];
	}

	public int valueOffset(int label) {
		return this.labels[4 * label + 2];
	}

	public int valueLength(int label) {
		return this.labels[4 * label + 3];
	}

	public double value() {
		return this.value;
	}

	public long timestamp() {
		return this.timestamp;
	}

}
