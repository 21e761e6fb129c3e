package io.prometheusrelay.proxy.exposition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.prometheusrelay.rsocket.wire.ScrapeRejectedException;
import org.jspecify.annotations.Nullable;

/**
 * Reads one client's scrape in the Prometheus text format (0.0.4) into a {@link ClientScrape}:
 * which lines belong to which family, and which identity labels each line already has. Sample lines
 * that do not parse are left out and counted; they never reach Prometheus.
 */
public final class ExpositionParser {

	private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

	private ExpositionParser() {
	}

	/**
	 * @param identity labels (name, escaped value) the proxy adds where the client's series lack them
	 * @param maxSeries most sample lines accepted from one client
	 * @throws ScrapeRejectedException when the scrape has more than {@code maxSeries} sample lines
	 */
	public static ClientScrape parse(String text, List<Map.Entry<String, String>> identity, int maxSeries) {
		Map<String, FamilyLines> families = new LinkedHashMap<>();
		FamilyLines current = null;
		int series = 0;
		int dropped = 0;
		int pos = 0;
		int length = text.length();
		while (pos < length) {
			int lineEnd = text.indexOf('\n', pos);
			if (lineEnd < 0) {
				lineEnd = length;
			}
			int end = (lineEnd > pos && text.charAt(lineEnd - 1) == '\r') ? lineEnd - 1 : lineEnd;
			if (end > pos) {
				if (text.charAt(pos) == '#') {
					current = metadata(text, pos, end, families, current);
				}
				else {
					SampleLine sample = SampleLine.parse(text, pos, end, identity);
					if (sample == null) {
						dropped++;
					}
					else {
						if (++series > maxSeries) {
							throw new ScrapeRejectedException("too_many_series",
									"scrape has more than " + maxSeries + " series");
						}
						String name = text.substring(pos, sample.nameEnd());
						if (current == null || !belongsTo(name, current)) {
							current = families.computeIfAbsent(name, FamilyLines::new);
						}
						current.addLine(pos, sample.nameEnd(), sample.closeBrace(), end, sample.presentIdentity());
					}
				}
			}
			pos = lineEnd + 1;
		}
		return new ClientScrape(text, families, List.copyOf(identity), dropped);
	}

	/** A HELP or TYPE line selects (and describes) its family; other comments change nothing. */
	private static @Nullable FamilyLines metadata(String text, int start, int end, Map<String, FamilyLines> families,
			@Nullable FamilyLines current) {
		String line = text.substring(start, end);
		boolean help = line.startsWith("# HELP ");
		boolean type = line.startsWith("# TYPE ");
		if (!help && !type) {
			return current;
		}
		int nameEnd = line.indexOf(' ', 7);
		String name = line.substring(7, (nameEnd < 0) ? line.length() : nameEnd);
		if (!SampleLine.isMetricName(name, 0, name.length())) {
			return current;
		}
		String rest = (nameEnd < 0) ? "" : line.substring(nameEnd + 1);
		FamilyLines family = families.computeIfAbsent(name, FamilyLines::new);
		if (help) {
			family.help = rest;
		}
		else {
			family.type = TYPES.contains(rest.strip()) ? rest.strip() : "untyped";
		}
		return family;
	}

	/** Whether a sample named {@code name} is part of {@code family}, by the suffixes its type implies. */
	static boolean belongsTo(String name, FamilyLines family) {
		String base = family.name;
		if (name.equals(base)) {
			return true;
		}
		if (!name.startsWith(base)) {
			return false;
		}
		String suffix = name.substring(base.length());
		return switch (family.type) {
			case "histogram" -> suffix.equals("_bucket") || suffix.equals("_sum") || suffix.equals("_count")
					|| suffix.equals("_created");
			case "summary" -> suffix.equals("_sum") || suffix.equals("_count") || suffix.equals("_created");
			case "counter" -> suffix.equals("_total") || suffix.equals("_created");
			default -> false;
		};
	}

}
