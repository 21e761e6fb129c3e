package io.prometheusrelay.proxy.exposition;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * One metric family as it appears in one client's scrape: its HELP and TYPE, and where each of its
 * sample lines is in the scrape text. Offsets, not copies: a thousand clients' scrapes stay as
 * their own text plus a few ints per line.
 */
final class FamilyLines {

	final String name;

	@Nullable String help;

	String type = "untyped";

	/** Per sample line: start, end of metric name, index of '}' or -1, end of line. */
	private int[] offsets = new int[16];

	/** Per sample line: which identity labels the line already has, one bit each. */
	private byte[] present = new byte[4];

	private int lines;

	FamilyLines(String name) {
		this.name = name;
	}

	void addLine(int start, int nameEnd, int closeBrace, int end, int presentIdentity) {
		if (4 * this.lines == this.offsets.length) {
			this.offsets = Arrays.copyOf(this.offsets, this.offsets.length * 2);
			this.present = Arrays.copyOf(this.present, this.present.length * 2);
		}
		int i = 4 * this.lines;
		this.offsets[i] = start;
		this.offsets[i + 1] = nameEnd;
		this.offsets[i + 2] = closeBrace;
		this.offsets[i + 3] = end;
		this.present[this.lines] = (byte) presentIdentity;
		this.lines++;
	}

	int lines() {
		return this.lines;
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
