package io.prometheusrelay.proxy.exposition;

import java.util.Arrays;

/**
 * Where each sample line of one scrape is, in the order read: a few ints per line, in arrays reused
 * from scrape to scrape of the same application.
 */
final class LineTable {

	/** Per line: start, end of metric name, index of '}' or -1, end of line. */
	private int[] offsets = new int[4 * 256];

	/** Per line: which identity labels the line already has, one bit each. */
	private int[] present = new int[256];

	private int lines;

	void clear() {
		this.lines = 0;
	}

	/** Adds a line; returns its index. */
	int add(int start, int nameEnd, int closeBrace, int end, int presentIdentity) {
		if (this.lines == this.present.length) {
			this.offsets = Arrays.copyOf(this.offsets, this.offsets.length * 2);
			this.present = Arrays.copyOf(this.present, this.present.length * 2);
		}
		int i = 4 * this.lines;
		this.offsets[i] = start;
		this.offsets[i + 1] = nameEnd;
		this.offsets[i + 2] = closeBrace;
		this.offsets[i + 3] = end;
		this.present[this.lines] = presentIdentity;
		return this.lines++;
	}

	int start(int line) {
		return this.offsets[4 * line];
	}

	int nameEnd(int line) {
		return this.offsets[4 * line + 1];
	}

	int closeBrace(int line) {
		return this.offsets[4 * line + 2];
	}

	int end(int line) {
		return this.offsets[4 * line + 3];
	}

	int presentIdentity(int line) {
		return this.present[line];
	}

}
