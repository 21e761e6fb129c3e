package io.prometheusrelay.proxy.exposition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Many clients' scrapes as one valid exposition: each family once, with one HELP and one TYPE,
 * and all its samples together, whichever clients they came from. A family whose TYPE differs from
 * the one first seen cannot join it validly; its samples are left out and counted. Every series
 * carries its client's identity labels: where a client names one itself, the proxy's wins and the
 * client's is kept as {@code exported_<name>} (see {@link ExportedLabels}), unless the client's
 * own labels are honoured.
 */
public final class MergedExposition {

	private final Map<String, Family> families = new LinkedHashMap<>();

	private final boolean honorClientLabels;

	private final ExportedLabels exported = new ExportedLabels();

	private final List<ClientScrape> scrapes = new ArrayList<>();

	private int conflictingSeries;

	/**
	 * @param honorClientLabels whether a client's own label named like an identity label is kept as
	 * it is (Prometheus's {@code honor_labels: true}) instead of being exported
	 */
	public MergedExposition(boolean honorClientLabels) {
		this.honorClientLabels = honorClientLabels;
	}

	/** Adds one client's scrape. Not thread-safe: one scrape of the proxy builds one of these. */
	public void add(ClientScrape scrape) {
		this.scrapes.add(scrape);
		for (FamilyLines lines : scrape.familyLines()) {
			if (lines.lines() == 0) {
				continue;
			}
			Family family = this.families.computeIfAbsent(lines.name, name -> new Family(lines.type));
			if (!family.type.equals(lines.type)) {
				this.conflictingSeries += lines.lines();
				continue;
			}
			if (family.helpText == null && lines.helpStart >= 0) {
				family.helpText = scrape.text();
				family.helpStart = lines.helpStart;
				family.helpEnd = lines.helpEnd;
			}
			family.add(scrape, lines);
		}
	}

	/** Hands every scrape's text buffer back for reuse, once the exposition has been written (or abandoned). */
	public void release() {
		this.scrapes.forEach(ClientScrape::release);
	}

	/** Series left out because their family's TYPE conflicted with another client's. */
	public int conflictingSeries() {
		return this.conflictingSeries;
	}

	/** Writes the whole exposition. */
	public void writeTo(ByteSink out) {
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
		public boolean writeNext(ByteSink out) {
			if (this.family != null && this.part < this.family.parts) {
				writeLines(this.family.scrapes[this.part], this.family.lines[this.part], out);
				this.part++;
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

	private static void writeHeader(String name, Family family, ByteSink out) {
		if (family.helpText != null) {
			out.write("# HELP " + name + " ");
			out.write(family.helpText, family.helpStart, family.helpEnd - family.helpStart);
			out.write((byte) '\n');
		}
		out.write("# TYPE " + name + " " + family.type + "\n");
	}

	/** The client's lines as it sent them, with its identity labels in each. */
	private void writeLines(ClientScrape scrape, FamilyLines family, ByteSink out) {
		byte[] text = scrape.text();
		LineTable table = scrape.lines();
		byte[][] identity = scrape.identityLabels();
		int all = (1 << identity.length) - 1;
		for (int run = 0; run < family.runs(); run++) {
			for (int line = family.runFrom(run); line < family.runTo(run); line++) {
				int present = table.presentIdentity(line);
				if (present != 0 && !this.honorClientLabels) {
					writeExported(scrape, table, line, out);
				}
				else {
					writeLine(text, table, line, identity, all & ~present, out);
				}
			}
		}
	}

	private void writeExported(ClientScrape scrape, LineTable table, int line, ByteSink out) {
		byte[] text = scrape.text();
		int end = table.end(line);
		int through = through(text, end);
		this.exported.writeLine(text, table.start(line), table.nameEnd(line), table.closeBrace(line), through,
				scrape.identityNames(), scrape.identityLabels(), out);
		if (through == end) {
			out.write((byte) '\n');
		}
	}

	/**
	 * Where to copy a line through: with its own '\n' when it has one, a copy fewer per line. (A reused
	 * buffer may hold a stale byte past the text; if that is a '\n', it is the very byte written otherwise.)
	 */
	private static int through(byte[] text, int end) {
		return (end < text.length && text[end] == '\n') ? end + 1 : end;
	}

	private static void writeLine(byte[] text, LineTable table, int line, byte[][] identity, int missing, ByteSink out) {
		int start = table.start(line);
		int end = table.end(line);
		int through = through(text, end);
		int close = table.closeBrace(line);
		if (missing == 0) {
			out.write(text, start, through - start);
		}
		else if (close >= 0) {
			out.write(text, start, close - start);
			byte before = text[close - 1];
			writeLabels(identity, missing, out, before != '{' && before != ',');
			out.write(text, close, through - close);
		}
		else {
			int nameEnd = table.nameEnd(line);
			out.write(text, start, nameEnd - start);
			out.write((byte) '{');
			writeLabels(identity, missing, out, false);
			out.write((byte) '}');
			out.write(text, nameEnd, through - nameEnd);
		}
		if (through == end) {
			out.write((byte) '\n');
		}
	}

	private static void writeLabels(byte[][] identity, int missing, ByteSink out, boolean comma) {
		for (int i = 0; i < identity.length; i++) {
			if ((missing & (1 << i)) == 0) {
				continue;
			}
			if (comma) {
				out.write((byte) ',');
			}
			out.write(identity[i]);
			comma = true;
		}
	}

	/** Escapes a label value for the text format. */
	public static String escapeLabelValue(String value) {
		return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
	}

	private static final class Family {

		final String type;

		/** The HELP text as the first client that had one wrote it: {@code helpText[helpStart, helpEnd)}. */
		byte @Nullable [] helpText;

		int helpStart;

		int helpEnd;

		/** Per client that has the family: its scrape and its lines of the family. */
		ClientScrape[] scrapes = new ClientScrape[8];

		FamilyLines[] lines = new FamilyLines[8];

		int parts;

		Family(String type) {
			this.type = type;
		}

		void add(ClientScrape scrape, FamilyLines familyLines) {
			if (this.parts == this.scrapes.length) {
				this.scrapes = Arrays.copyOf(this.scrapes, this.parts * 2);
				this.lines = Arrays.copyOf(this.lines, this.parts * 2);
			}
			this.scrapes[this.parts] = scrape;
			this.lines[this.parts] = familyLines;
			this.parts++;
		}

	}

}
