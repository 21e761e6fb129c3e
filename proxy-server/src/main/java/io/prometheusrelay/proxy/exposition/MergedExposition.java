package io.prometheusrelay.proxy.exposition;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Many clients' scrapes as one valid exposition: each family once, with one HELP and one TYPE,
 * and all its samples together, whichever clients they came from. A family whose TYPE differs from
 * the one first seen cannot join it validly; its samples are left out and counted.
 */
public final class MergedExposition {

	private final Map<String, Family> families = new LinkedHashMap<>();

	private int conflictingSeries;

	/** Adds one client's scrape. Not thread-safe: one scrape of the proxy builds one of these. */
	public void add(ClientScrape scrape) {
		for (FamilyLines lines : scrape.familyLines()) {
			if (lines.lines() == 0) {
				continue;
			}
			Family family = this.families.computeIfAbsent(lines.name, name -> new Family(lines.type));
			if (!family.type.equals(lines.type)) {
				this.conflictingSeries += lines.lines();
				continue;
			}
			if (family.help == null) {
				family.help = lines.help;
			}
			family.parts.add(new Part(scrape, lines));
		}
	}

	/** Series left out because their family's TYPE conflicted with another client's. */
	public int conflictingSeries() {
		return this.conflictingSeries;
	}

	/** Writes the whole exposition; the caller buffers and closes {@code out}. */
	public void writeTo(Writer out) throws IOException {
		Cursor cursor = cursor();
		while (cursor.writeNext(out)) {
			// one piece at a time
		}
	}

	/** A position in the exposition, so that it can be written a piece at a time as a response streams. */
	public Cursor cursor() {
		return new Cursor();
	}

	/** Writes the exposition in pieces: a family's HELP and TYPE, then each client's samples of it. */
	public final class Cursor {

		private final Iterator<Map.Entry<String, Family>> families = MergedExposition.this.families.entrySet()
			.iterator();

		private @Nullable Family family;

		private int part;

		private Cursor() {
		}

		/** Writes the next piece; false once everything has been written. */
		public boolean writeNext(Writer out) throws IOException {
			if (this.family != null && this.part < this.family.parts.size()) {
				writeLines(this.family.parts.get(this.part++), out);
				return true;
			}
			if (!this.families.hasNext()) {
				return false;
			}
			Map.Entry<String, Family> next = this.families.next();
			this.family = next.getValue();
			this.part = 0;
			writeHeader(next.getKey(), this.family, out);
			return true;
		}

	}

	private static void writeHeader(String name, Family family, Writer out) throws IOException {
		if (family.help != null) {
			out.write("# HELP ");
			out.write(name);
			out.write(' ');
			out.write(family.help);
			out.write('\n');
		}
		out.write("# TYPE ");
		out.write(name);
		out.write(' ');
		out.write(family.type);
		out.write('\n');
	}

	private static void writeLines(Part part, Writer out) throws IOException {
		String text = part.scrape.text();
		List<Map.Entry<String, String>> identity = part.scrape.identity();
		int all = (1 << identity.size()) - 1;
		FamilyLines lines = part.lines;
		for (int i = 0; i < lines.lines(); i++) {
			int start = lines.start(i);
			int end = lines.end(i);
			int missing = all & ~lines.presentIdentity(i);
			if (missing == 0) {
				out.write(text, start, end - start);
			}
			else if (lines.closeBrace(i) >= 0) {
				int close = lines.closeBrace(i);
				out.write(text, start, close - start);
				char before = text.charAt(close - 1);
				writeLabels(identity, missing, out, before != '{' && before != ',');
				out.write(text, close, end - close);
			}
			else {
				int nameEnd = lines.nameEnd(i);
				out.write(text, start, nameEnd - start);
				out.write('{');
				writeLabels(identity, missing, out, false);
				out.write('}');
				out.write(text, nameEnd, end - nameEnd);
			}
			out.write('\n');
		}
	}

	private static void writeLabels(List<Map.Entry<String, String>> identity, int missing, Writer out, boolean comma)
			throws IOException {
		for (int i = 0; i < identity.size(); i++) {
			if ((missing & (1 << i)) == 0) {
				continue;
			}
			if (comma) {
				out.write(',');
			}
			out.write(identity.get(i).getKey());
			out.write("=\"");
			out.write(identity.get(i).getValue());
			out.write('"');
			comma = true;
		}
	}

	/** Escapes a label value for the text format. */
	public static String escapeLabelValue(String value) {
		return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
	}

	private static final class Family {

		final String type;

		@Nullable String help;

		final List<Part> parts = new ArrayList<>();

		Family(String type) {
			this.type = type;
		}

	}

	private record Part(ClientScrape scrape, FamilyLines lines) {
	}

}
