package io.prometheusrelay.proxy.exposition;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One metric family as it appears in one client's scrape: its HELP and TYPE, and which lines of the
 * scrape's {@link LineTable} are its samples. Offsets, not copies: a thousand clients' scrapes stay
 * as their own text plus a few ints per line.
 */
public final class FamilyLines {

	final String name;

	private final byte[] nameBytes;

	/** Where the HELP text is in the scrape's text; -1 when the scrape has none for the family. */
	int helpStart = -1;

	int helpEnd;

	String type = "untyped";

	/** Runs of consecutive lines of the scrape's line table: from (inclusive), to (exclusive), ... */
	private int[] runs = new int[2];

	private int runCount;

	private int lines;

	/** Whether the family is in the current scrape (see {@link FamilyIndex}). */
	boolean listed;

	/** Its place in the previous scrape's order, or -1. */
	int position = -1;

	FamilyLines(String name) {
		this.name = name;
		this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
	}

	/** Empties the family for the next scrape of its client. */
	void reset() {
		this.helpStart = -1;
		this.type = "untyped";
		this.runCount = 0;
		this.lines = 0;
		this.listed = false;
		this.position = -1;
	}

	/** Whether {@code text[start, end)} is this family's name. */
	boolean named(byte[] text, int start, int end) {
		return SampleLine.regionEquals(text, start, end, this.nameBytes);
	}

	/**
	 * Whether a sample named by {@code text[start, nameEnd)} is part of this family: its name, or its
	 * name with a suffix its type implies ({@code _bucket} of a histogram, {@code _total} of a counter...).
	 */
	boolean includes(byte[] text, int start, int nameEnd) {
		int baseEnd = start + this.nameBytes.length;
		if (baseEnd > nameEnd || !SampleLine.regionEquals(text, start, baseEnd, this.nameBytes)) {
			return false;
		}
		if (baseEnd == nameEnd) {
			return true;
		}
		return switch (this.type) {
			case "histogram" -> suffix(text, baseEnd, nameEnd, "_bucket") || suffix(text, baseEnd, nameEnd, "_sum")
					|| suffix(text, baseEnd, nameEnd, "_count") || suffix(text, baseEnd, nameEnd, "_created");
			case "summary" -> suffix(text, baseEnd, nameEnd, "_sum") || suffix(text, baseEnd, nameEnd, "_count")
					|| suffix(text, baseEnd, nameEnd, "_created");
			case "counter" -> suffix(text, baseEnd, nameEnd, "_total") || suffix(text, baseEnd, nameEnd, "_created");
			default -> false;
		};
	}

	private static boolean suffix(byte[] text, int start, int end, String suffix) {
		if (end - start != suffix.length()) {
			return false;
		}
		for (int i = 0; i < suffix.length(); i++) {
			if (text[start + i] != suffix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	/** Adds line {@code index} of the scrape's line table; lines are added in increasing order. */
	void addLine(int index) {
		if (this.runCount > 0 && this.runs[2 * this.runCount - 1] == index) {
			this.runs[2 * this.runCount - 1]++;
		}
		else {
			if (2 * this.runCount == this.runs.length) {
				this.runs = Arrays.copyOf(this.runs, this.runs.length * 2);
			}
			this.runs[2 * this.runCount] = index;
			this.runs[2 * this.runCount + 1] = index + 1;
			this.runCount++;
		}
		this.lines++;
	}

	public int lines() {
		return this.lines;
	}

	/** How many runs of consecutive lines the family has: one, unless the client interleaved families. */
	int runs() {
		return this.runCount;
	}

	int runFrom(int run) {
		return this.runs[2 * run];
	}

	int runTo(int run) {
		return this.runs[2 * run + 1];
	}

}
