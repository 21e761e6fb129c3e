package io.prometheusrelay.tsdb.index;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.prometheusrelay.tsdb.encoding.Decoder;

/**
 * One label name's entries of an index's postings offset table: where each value's bytes are in the
 * mapped file, in order, and where its postings are; 12 bytes a value.
 */
final class PostingsTableEntries {

	private final ByteBuffer file;

	private int[] valueOffsets = new int[4];

	private long[] postingsOffsets = new long[4];

	private int size;

	PostingsTableEntries(ByteBuffer file) {
		this.file = file;
	}

	void add(int valueOffset, long postingsOffset) {
		if (this.size == this.valueOffsets.length) {
			this.valueOffsets = Arrays.copyOf(this.valueOffsets, this.size * 2);
			this.postingsOffsets = Arrays.copyOf(this.postingsOffsets, this.size * 2);
		}
		this.valueOffsets[this.size] = valueOffset;
		this.postingsOffsets[this.size] = postingsOffset;
		this.size++;
	}

	/** Where value {@code i}'s postings list is in the file. */
	long postingsOffset(int i) {
		return this.postingsOffsets[i];
	}

	int size() {
		return this.size;
	}

	String value(int i) {
		return new Decoder(this.file, this.valueOffsets[i], this.file.limit())
			.readUvarintString();
	}

	/** Binary search by UTF-8 bytes: the index of {@code value}, or -1. */
	int find(byte[] value) {
		int low = 0;
		int high = this.size - 1;
		while (low <= high) {
			int mid = (low + high) >>> 1;
			int c = new Decoder(this.file, this.valueOffsets[mid], this.file.limit())
				.compareUvarintString(value);
			if (c == 0) {
				return mid;
			}
			if (c < 0) {
				low = mid + 1;
			}
			else {
				high = mid - 1;
			}
		}
		return -1;
	}

}
