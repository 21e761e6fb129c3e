package io.prometheusrelay.proxy.exposition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One client's families, kept from scrape to scrape and found by the bytes of their names. A client
 * lists its families in the same order every time, so the next family is nearly always the one that
 * came next last time: found without making a string, hashing, or allocating anything.
 */
final class FamilyIndex {

	private final Map<String, FamilyLines> byName = new HashMap<>();

	/** This scrape's families, in order of first appearance. */
	private List<FamilyLines> order = new ArrayList<>();

	/** The last scrape's, for predicting this one's. */
	private List<FamilyLines> previous = new ArrayList<>();

	private int predicted;

	/** Starts a scrape: every family empty, and the last scrape's order as the prediction. */
	void startScrape() {
		List<FamilyLines> last = this.order;
		this.order = this.previous;
		this.order.clear();
		this.previous = last;
		this.byName.values().forEach(FamilyLines::reset);
		for (int i = 0; i < this.previous.size(); i++) {
			this.previous.get(i).position = i;
		}
		this.predicted = 0;
	}

	/** The family named {@code text[start, end)}, created when new. */
	FamilyLines find(byte[] text, int start, int end) {
		FamilyLines family;
		if (this.predicted < this.previous.size() && this.previous.get(this.predicted).named(text, start, end)) {
			family = this.previous.get(this.predicted);
		}
		else {
			family = this.byName.computeIfAbsent(new String(text, start, end - start, StandardCharsets.UTF_8),
					FamilyLines::new);
		}
		if (family.position >= 0 && family.position >= this.predicted) {
			this.predicted = family.position + 1;
		}
		if (!family.listed) {
			family.listed = true;
			this.order.add(family);
		}
		return family;
	}

	/** Ends a scrape; families gone for good (more of them than of present ones) are forgotten. */
	void endScrape() {
		if (this.byName.size() > 2 * this.order.size() + 16) {
			this.byName.values().removeIf(family -> !family.listed);
		}
	}

	/** This scrape's families, in order of first appearance. */
	List<FamilyLines> families() {
		return this.order;
	}

}
