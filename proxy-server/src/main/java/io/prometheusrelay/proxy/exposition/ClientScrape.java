package io.prometheusrelay.proxy.exposition;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One client's scrape, parsed: the text as received, its families in order, and the identity labels
 * the proxy adds to the client's series that lack them, so series of different instances never
 * collide in the merged exposition.
 *
 * @param text the scrape as the client sent it
 * @param families the scrape's families, in order of first appearance
 * @param identity label names and values (already escaped) the proxy adds where missing
 * @param droppedLines sample lines left out as malformed
 */
public record ClientScrape(String text, Map<String, FamilyLines> families, List<Map.Entry<String, String>> identity,
		int droppedLines) {

	Collection<FamilyLines> familyLines() {
		return this.families.values();
	}

	/** Sample lines kept. */
	public int series() {
		int series = 0;
		for (FamilyLines family : this.families.values()) {
			series += family.lines();
		}
		return series;
	}

}
