package io.prometheusrelay.tsdb.index;

import java.util.Arrays;

/** A growable list of ints, for postings being collected. */
final class IntList {

	private int[] values = new int[4];

	private int size;

	void add(int value) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = value;
	}

	int size() {
		return this.size;
	}

	int get(int i) {
		return this.values[i];
	}

}
