package io.prometheusrelay.proxy.exposition;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * One client's scrape, parsed: the UTF-8 text as received, its families in order, and the identity
 * labels the proxy gives the client's series, so series of different instances never collide in the
 * merged exposition.
 */
public final class ClientScrape {

	private final byte[] text;

	private final int length;

	private final ScrapeBuffers buffers;

	private final @Nullable Consumer<ScrapeBuffers> recycler;

	private final List<FamilyLines> families;

	/** Each identity label's name. */
	private final byte[][] identityNames;

	/** Each identity label as written: {@code name="value"}. */
	private final byte[][] identityLabels;

	private final int droppedLines;

	/**
	 * @param text the scrape as the client sent it, UTF-8, in {@code text[0, length)}
	 * @param buffers holds the scrape's line table (and usually its text)
	 * @param recycler takes the buffers back once the scrape has been written out; null for none
	 * @param families the scrape's families, in order of first appearance
	 * @param identity label names and values the proxy gives the client's series
	 * @param droppedLines sample lines left out as malformed
	 */
	ClientScrape(byte[] text, int length, ScrapeBuffers buffers, @Nullable Consumer<ScrapeBuffers> recycler,
			List<FamilyLines> families,
			List<Map.Entry<String, String>> identity, int droppedLines) {
		this.text = text;
		this.length = length;
		this.buffers = buffers;
		this.recycler = recycler;
		this.families = families;
		this.identityNames = names(identity);
		this.identityLabels = identity.stream()
			.map(label -> (label.getKey() + "=\"" + MergedExposition.escapeLabelValue(label.getValue()) + "\"")
				.getBytes(StandardCharsets.UTF_8))
			.toArray(byte[][]::new);
		this.droppedLines = droppedLines;
	}

	/** The labels' names, UTF-8. */
	static byte[][] names(List<Map.Entry<String, String>> labels) {
		return labels.stream().map(label -> label.getKey().getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
	}

	byte[] text() {
		return this.text;
	}

	int length() {
		return this.length;
	}

	LineTable lines() {
		return this.buffers.lines;
	}

	/** Hands the buffers back for reuse; nothing may read this scrape afterwards. */
	void release() {
		if (this.recycler != null) {
			this.recycler.accept(this.buffers);
		}
	}

	/** The families by name, in order: for inspection (the merge walks {@link #familyLines()}). */
	public Map<String, FamilyLines> families() {
		Map<String, FamilyLines> byName = new LinkedHashMap<>();
		this.families.forEach(family -> byName.put(family.name, family));
		return byName;
	}

	List<FamilyLines> familyLines() {
		return this.families;
	}

	byte[][] identityNames() {
		return this.identityNames;
	}

	byte[][] identityLabels() {
		return this.identityLabels;
	}

	/** Sample lines left out as malformed. */
	public int droppedLines() {
		return this.droppedLines;
	}

	/** Sample lines kept. */
	public int series() {
		int series = 0;
		for (FamilyLines family : this.families) {
			series += family.lines();
		}
		return series;
	}

}
