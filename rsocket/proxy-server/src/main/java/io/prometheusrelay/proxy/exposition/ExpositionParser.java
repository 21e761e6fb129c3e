package io.prometheusrelay.proxy.exposition;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.prometheusrelay.rsocket.wire.ScrapeRejectedException;
import org.jspecify.annotations.Nullable;

/**
 * Reads one client's scrape in the Prometheus text format (0.0.4) into a {@link ClientScrape}:
 * which lines belong to which family, and which identity labels each line already has. Works on
 * the UTF-8 bytes as decrypted, without decoding them: the merge writes them out again unchanged.
 * A scrape that is not UTF-8 is refused whole, since one invalid byte makes Prometheus reject the
 * merged scrape of every application. Sample lines that do not parse are left out and counted;
 * they never reach Prometheus.
 */
public final class ExpositionParser {

	private static final List<String> TYPES = List.of("counter", "gauge", "histogram", "summary", "untyped");

	private static final byte[] HELP = "# HELP ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] TYPE = "# TYPE ".getBytes(StandardCharsets.US_ASCII);

	private ExpositionParser() {
	}

	/** Parses a string's UTF-8 bytes. */
	public static ClientScrape parse(String text, List<Map.Entry<String, String>> identity, int maxSeries) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		return parse(bytes, bytes.length, new ScrapeBuffers(), null, identity, maxSeries);
	}

	/**
	 * @param text the scrape, UTF-8, in {@code text[0, length)}
	 * @param buffers where the line table goes (its previous content is dropped)
	 * @param recycler takes the buffers back once the scrape has been written out; null for none
	 * @param identity labels (name, value) the proxy gives the client's series
	 * @param maxSeries most sample lines accepted from one client
	 * @throws ScrapeRejectedException when the scrape is not UTF-8, or has more than
	 * {@code maxSeries} sample lines
	 */
	public static ClientScrape parse(byte[] text, int length, ScrapeBuffers buffers,
			@Nullable Consumer<ScrapeBuffers> recycler,
			List<Map.Entry<String, String>> identity, int maxSeries) {
		int invalid = Utf8Validation.firstInvalid(text, length);
		if (invalid >= 0) {
			throw new ScrapeRejectedException("invalid_utf8", "scrape is not UTF-8 at byte " + invalid);
		}
		SampleLine sample = new SampleLine(ClientScrape.names(identity));
		LineTable lines = buffers.lines;
		lines.clear();
		FamilyIndex families = buffers.families;
		families.startScrape();
		FamilyLines current = null;
		int series = 0;
		int dropped = 0;
		int pos = 0;
		while (pos < length) {
			int lineEnd;
			if (text[pos] == '#' || text[pos] == '\n' || text[pos] == '\r') {
				lineEnd = indexOf(text, (byte) '\n', pos, length);
				int end = (lineEnd > pos && text[lineEnd - 1] == '\r') ? lineEnd - 1 : lineEnd;
				if (end > pos && text[pos] == '#') {
					current = metadata(text, pos, end, families, current);
				}
				else if (end > pos) {
					dropped++;
				}
			}
			else if (sample.read(text, pos, length)) {
				lineEnd = sample.lineEnd();
				if (++series > maxSeries) {
					throw new ScrapeRejectedException("too_many_series", "scrape has more than " + maxSeries + " series");
				}
				int nameEnd = sample.nameEnd();
				// Nearly every sample belongs to the family of the line before: no string for its name.
				if (current == null || !current.includes(text, pos, nameEnd)) {
					current = families.find(text, pos, nameEnd);
				}
				current.addLine(lines.add(pos, nameEnd, sample.closeBrace(), sample.end(), sample.presentIdentity()));
			}
			else {
				dropped++;
				lineEnd = indexOf(text, (byte) '\n', pos, length);
			}
			pos = lineEnd + 1;
		}
		families.endScrape();
		return new ClientScrape(text, length, buffers, recycler, families.families(), identity, dropped);
	}

	private static int indexOf(byte[] text, byte b, int from, int to) {
		for (int i = from; i < to; i++) {
			if (text[i] == b) {
				return i;
			}
		}
		return to;
	}

	/** A HELP or TYPE line selects (and describes) its family; other comments change nothing. */
	private static @Nullable FamilyLines metadata(byte[] text, int start, int end, FamilyIndex families,
			@Nullable FamilyLines current) {
		boolean help = startsWith(text, start, end, HELP);
		if (!help && !startsWith(text, start, end, TYPE)) {
			return current;
		}
		int nameStart = start + HELP.length;
		int nameEnd = indexOf(text, (byte) ' ', nameStart, end);
		if (!SampleLine.isMetricName(text, nameStart, nameEnd)) {
			return current;
		}
		// A family's HELP and TYPE lines follow each other: the second finds it without a string for its name.
		FamilyLines family = (current != null && current.named(text, nameStart, nameEnd)) ? current
				: families.find(text, nameStart, nameEnd);
		int restStart = Math.min(nameEnd + 1, end);
		if (help) {
			family.helpStart = restStart;
			family.helpEnd = end;
		}
		else {
			family.type = type(text, restStart, end);
		}
		return family;
	}

	private static boolean startsWith(byte[] text, int start, int end, byte[] prefix) {
		return end - start >= prefix.length && SampleLine.regionEquals(text, start, start + prefix.length, prefix);
	}

	/** The type a TYPE line names, as one of the {@link #TYPES} constants; untyped when unknown. */
	private static String type(byte[] text, int start, int end) {
		while (start < end && (text[start] == ' ' || text[start] == '\t')) {
			start++;
		}
		while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t')) {
			end--;
		}
		for (String type : TYPES) {
			if (end - start == type.length() && startsWith(text, start, end, type.getBytes(StandardCharsets.US_ASCII))) {
				return type;
			}
		}
		return "untyped";
	}

}
