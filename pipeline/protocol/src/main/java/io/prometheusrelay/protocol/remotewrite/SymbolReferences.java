package io.prometheusrelay.protocol.remotewrite;

import java.util.Arrays;

import com.google.protobuf.InvalidProtocolBufferException;

/** A repeated uint32 field of symbol references, read packed or one by one. */
final class SymbolReferences {

	private int[] refs = new int[16];

	private int size;

	void read(byte[] buf, ProtoCursor cursor, int tag) throws InvalidProtocolBufferException {
		if ((tag & 7) == ProtoCursor.VARINT) {
			add(cursor.readVarint());
			return;
		}
		ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
		int start = cursor.readLengthDelimited();
		ProtoCursor packed = new ProtoCursor(buf, start, cursor.lengthSince(start));
		while (packed.hasMore()) {
			add(packed.readVarint());
		}
	}

	private void add(long reference) {
		if (this.size == this.refs.length) {
			this.refs = Arrays.copyOf(this.refs, this.size * 2);
		}
		// Past int range is out of range of any table: kept as -1 for the range check to refuse.
		this.refs[this.size++] = (reference >= 0 && reference <= Integer.MAX_VALUE) ? (int) reference : -1;
	}

	int size() {
		return this.size;
	}

	int at(int index) {
		return this.refs[index];
	}

}
