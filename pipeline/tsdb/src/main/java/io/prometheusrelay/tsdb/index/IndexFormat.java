package io.prometheusrelay.tsdb.index;

/** Constants of the index file, format v2. */
final class IndexFormat {

	static final int MAGIC = 0xBAAAD700;

	static final int VERSION = 2;

	static final int HEADER_BYTES = 5;

	/** Series start at multiples of 16 bytes: a series' reference is its offset divided by 16. */
	static final int SERIES_ALIGNMENT = 16;

	/** Six section offsets and a checksum. */
	static final int TOC_BYTES = 6 * 8 + 4;

	private IndexFormat() {
	}

}
