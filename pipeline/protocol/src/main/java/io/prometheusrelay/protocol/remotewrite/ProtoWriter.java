package io.prometheusrelay.protocol.remotewrite;

import java.util.Arrays;

import com.google.protobuf.CodedOutputStream;

/**
 * A growable buffer that protobuf fields are written into, for messages assembled from parts of
 * other encoded messages, up to a limit. A nested message is written into a writer of its own, then
 * added whole with {@link #message}.
 */
final class ProtoWriter {

	private final int limit;

	private byte[] bytes;

	private int size;

	/** @param limit most bytes written; past it, {@link TooLargeException} */
	ProtoWriter(int initialCapacity, int limit) {
		this.limit = limit;
		this.bytes = new byte[Math.max(16, Math.min(initialCapacity, limit))];
	}

	/** More would be written than the writer's limit. */
	static final class TooLargeException extends RuntimeException {

		TooLargeException() {
			super(null, null, false, false);
		}

	}

	void reset() {
		this.size = 0;
	}

	int size() {
		return this.size;
	}

	byte[] toByteArray() {
		return Arrays.copyOf(this.bytes, this.size);
	}

	/** A length-delimited field: {@code buf[offset, offset + length)} as it is (a message, a string). */
	void bytes(int field, byte[] buf, int offset, int length) {
		tag(field, ProtoCursor.LEN);
		varint(length);
		ensure(length);
		System.arraycopy(buf, offset, this.bytes, this.size, length);
		this.size += length;
	}

	/**
	 * The tag and length of a length-delimited field whose {@code length} bytes the caller writes
	 * next: a nested message written in place, without a writer of its own and a copy.
	 */
	void header(int field, int length) {
		tag(field, ProtoCursor.LEN);
		varint(length);
	}

	/** The bytes a length-delimited field with a one-byte tag and {@code length} bytes of content takes. */
	static int bytesFieldSize(int length) {
		return 1 + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
	}

	/** What another writer has, as it is: fields written apart, added to these. */
	void append(ProtoWriter fields) {
		ensure(fields.size);
		System.arraycopy(fields.bytes, 0, this.bytes, this.size, fields.size);
		this.size += fields.size;
	}

	/** A length-delimited field holding what another writer has. */
	void message(int field, ProtoWriter message) {
		bytes(field, message.bytes, 0, message.size);
	}

	void varintField(int field, long value) {
		tag(field, ProtoCursor.VARINT);
		varint(value);
	}

	void fixed64Field(int field, long bits) {
		tag(field, ProtoCursor.FIXED64);
		ensure(8);
		for (int i = 0; i < 8; i++) {
			this.bytes[this.size++] = (byte) (bits >>> (8 * i));
		}
	}

	private void tag(int field, int wireType) {
		varint(((long) field << 3) | wireType);
	}

	private void varint(long value) {
		ensure(10);
		while ((value & ~0x7FL) != 0) {
			this.bytes[this.size++] = (byte) ((value & 0x7F) | 0x80);
			value >>>= 7;
		}
		this.bytes[this.size++] = (byte) value;
	}

	private void ensure(int more) {
		if ((long) this.size + more > this.limit) {
			throw new TooLargeException();
		}
		if (this.size + more > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.size + more));
		}
	}

}
