package io.prometheusrelay.proxy.exposition;

/**
 * The memory one application's scrape is read into: its text and its line table. A connection
 * keeps them for its next scrape, so that pulling a thousand applications every scrape interval
 * does not allocate their scrapes anew each time.
 */
public final class ScrapeBuffers {

	private byte[] text = new byte[0];

	final LineTable lines = new LineTable();

	final FamilyIndex families = new FamilyIndex();

	/** A text buffer of at least {@code length} bytes: this one's, grown with some room when too small. */
	public byte[] text(int length) {
		if (this.text.length < length) {
			this.text = new byte[length + length / 16];
		}
		return this.text;
	}

}
