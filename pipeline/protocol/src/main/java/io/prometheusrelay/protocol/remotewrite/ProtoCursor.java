package io.prometheusrelay.protocol.remotewrite;

import com.google.protobuf.InvalidProtocolBufferException;

/** Reads protobuf wire format from a byte range without allocating; only what remote-write needs. */
final class ProtoCursor {

	static final int VARINT = 0;

	static final int FIXED64 = 1;

	static final int LEN = 2;

	static final int FIXED32 = 5;

	private final byte[] buf;

	private int pos;

	private final int limit;

	ProtoCursor(byte[] buf, int offset, int length) {
		this.buf = buf;
		this.pos = offset;
		this.limit = offset + length;
	}

	boolean hasMore() {
		return this.pos < this.limit;
	}

	int position() {
		return this.pos;
	}

	int readTag() throws InvalidProtocolBufferException {
		long tag = readVarint();
		if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
			throw new InvalidProtocolBufferException("invalid protobuf tag " + tag);
		}
		return (int) tag;
	}

	long readVarint() throws InvalidProtocolBufferException {
		// Tags and the lengths of labels are nearly all one byte: take those without the loop.
		if (this.pos < this.limit && this.buf[this.pos] >= 0) {
			return this.buf[this.pos++];
		}
		long result = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			if (this.pos >= this.limit) {
				throw truncated();
			}
			byte b = this.buf[this.pos++];
			result |= (long) (b & 0x7F) << shift;
			if (b >= 0) {
				return result;
			}
		}
		throw new InvalidProtocolBufferException("malformed protobuf varint");
	}

	double readDouble() throws InvalidProtocolBufferException {
		return Double.longBitsToDouble(readFixed64());
	}

	long readFixed64() throws InvalidProtocolBufferException {
		require(8);
		long value = 0;
		for (int i = 7; i >= 0; i--) {
			value = (value << 8) | (this.buf[this.pos + i] & 0xFFL);
		}
		this.pos += 8;
		return value;
	}

	/** Reads a length prefix and returns the start of the bytes it announces, leaving the cursor after them. */
	int readLengthDelimited() throws InvalidProtocolBufferException {
		long length = readVarint();
		if (length < 0 || length > this.limit - this.pos) {
			throw truncated();
		}
		int start = this.pos;
		this.pos += (int) length;
		return start;
	}

	/** The length of the field read by the last {@link #readLengthDelimited()}, given its start. */
	int lengthSince(int start) {
		return this.pos - start;
	}

	void skipField(int tag) throws InvalidProtocolBufferException {
		switch (tag & 7) {
			case VARINT -> readVarint();
			case FIXED64 -> skip(8);
			case LEN -> readLengthDelimited();
			case FIXED32 -> skip(4);
			default -> throw new InvalidProtocolBufferException("unsupported protobuf wire type " + (tag & 7));
		}
	}

	static void expectWireType(int tag, int wireType) throws InvalidProtocolBufferException {
		if ((tag & 7) != wireType) {
			throw new InvalidProtocolBufferException(
					"field " + (tag >>> 3) + " has wire type " + (tag & 7) + ", expected " + wireType);
		}
	}

	private void skip(int bytes) throws InvalidProtocolBufferException {
		require(bytes);
		this.pos += bytes;
	}

	private void require(int bytes) throws InvalidProtocolBufferException {
		if (this.limit - this.pos < bytes) {
			throw truncated();
		}
	}

	private static InvalidProtocolBufferException truncated() {
		return new InvalidProtocolBufferException("truncated protobuf message");
	}

}
