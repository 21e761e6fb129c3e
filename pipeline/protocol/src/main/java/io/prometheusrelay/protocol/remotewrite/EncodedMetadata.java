package io.prometheusrelay.protocol.remotewrite;

import java.nio.charset.StandardCharsets;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * One encoded {@code prometheus.MetricMetadata} (a metric family's type, help and unit) read into
 * offsets, for checking it and for finding its family. One instance is reused for entry after entry.
 */
public final class EncodedMetadata {

	private byte[] buf = new byte[0];

	private int type;

	private int familyOffset;

	private int familyLength;

	private int helpOffset;

	private int helpLength;

	private int unitOffset;

	private int unitLength;

	/** Reads the message {@code buf[offset, offset + length)}. */
	public void read(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
		this.buf = buf;
		this.type = 0;
		this.familyLength = 0;
		this.helpLength = 0;
		this.unitLength = 0;
		ProtoCursor cursor = new ProtoCursor(buf, offset, length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			switch (tag >>> 3) {
				case 1 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.VARINT);
					this.type = (int) cursor.readVarint();
				}
				case 2, 4, 5 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					int start = cursor.readLengthDelimited();
					int stringLength = cursor.lengthSince(start);
					switch (tag >>> 3) {
						case 2 -> {
							this.familyOffset = start;
							this.familyLength = stringLength;
						}
						case 4 -> {
							this.helpOffset = start;
							this.helpLength = stringLength;
						}
						default -> {
							this.unitOffset = start;
							this.unitLength = stringLength;
						}
					}
				}
				default -> cursor.skipField(tag);
			}
		}
	}

	public byte[] buffer() {
		return this.buf;
	}

	/** The {@code MetricType} number: 0 unknown, 1 counter, 2 gauge, 3 histogram, ... */
	public int type() {
		return this.type;
	}

	public int familyOffset() {
		return this.familyOffset;
	}

	public int familyLength() {
		return this.familyLength;
	}

	public String family() {
		return new String(this.buf, this.familyOffset, this.familyLength, StandardCharsets.UTF_8);
	}

	public int helpOffset() {
		return this.helpOffset;
	}

	public int helpLength() {
		return this.helpLength;
	}

	public int unitOffset() {
		return this.unitOffset;
	}

	public int unitLength() {
		return this.unitLength;
	}

}
