package io.prometheusrelay.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * METERS.md, the one list of this project's meters, held against what a running service exposes:
 * each section must name exactly the {@code relay_*} families its service's exposition has, with
 * their type, labels and help text. The failure prints the rows to put in the document.
 */
final class MetersDocument {

	private static final Path DOCUMENT = Repository.path("METERS.md");

	/** How a row names labels that differ from one application to another. */
	private static final String IDENTITY_LABELS = "the application's identity labels";

	/** Labels of a family's samples that belong to the type, not to the meter. */
	private static final Set<String> TYPE_LABELS = Set.of("le", "quantile");

	private MetersDocument() {
	}

	/** A meter as users see it: its family name, type, label names and help text. */
	record Family(String name, String type, String labels, String help) {

		/**
		 * Whether {@code row} describes this family. A family labelled with each application's identity
		 * labels has the labels of whichever applications are connected: its row names them so.
		 */
		boolean documentedBy(@Nullable Family row) {
			if (row != null && row.labels().startsWith(IDENTITY_LABELS)) {
				return this.name.equals(row.name()) && this.type.equals(row.type()) && this.help.equals(row.help());
			}
			return equals(row);
		}

		String row() {
			return "| `" + this.name + "` | " + this.type + " | " + this.labels + " | " + this.help + " |";
		}

	}

	/** Asserts that the section {@code service} lists exactly the {@code relay_*} families of {@code expositions}. */
	static void assertDocuments(String service, String... expositions) {
		Map<String, Family> exposed = new TreeMap<>();
		for (String exposition : expositions) {
			exposed.putAll(families(exposition));
		}
		Map<String, Family> documented = section(service);
		String missing = exposed.values()
			.stream()
			.filter(family -> !family.documentedBy(documented.get(family.name())))
			.map(Family::row)
			.collect(Collectors.joining("\n"));
		if (!missing.isEmpty()) {
			throw new AssertionError(
					"METERS.md's section '" + service + "' lacks these rows, or has them otherwise:\n" + missing);
		}
		assertThat(exposed.keySet()).as("meters METERS.md's section '%s' lists that %s does not expose", service, service)
			.containsAll(documented.keySet());
	}

	/** The {@code relay_*} families of a Prometheus text exposition. */
	static Map<String, Family> families(String exposition) {
		Map<String, String> types = new LinkedHashMap<>();
		Map<String, String> helps = new LinkedHashMap<>();
		Map<String, Set<String>> labels = new LinkedHashMap<>();
		for (String line : exposition.lines().toList()) {
			if (line.startsWith("# TYPE relay_")) {
				String[] parts = line.split(" ", 4);
				types.put(parts[2], parts[3]);
				labels.put(parts[2], new TreeSet<>());
			}
			else if (line.startsWith("# HELP relay_")) {
				String[] parts = line.split(" ", 4);
				helps.put(parts[2], (parts.length > 3) ? parts[3] : "");
			}
		}
		for (String line : exposition.lines().filter(line -> line.startsWith("relay_")).toList()) {
			String sample = line.substring(0, firstOf(line, '{', ' '));
			String family = types.keySet()
				.stream()
				.filter(name -> sample.equals(name) || sample.startsWith(name + "_"))
				.max(Comparator.comparingInt(String::length))
				.orElse(null);
			if (family != null && line.indexOf('{') == sample.length()) {
				for (String pair : line.substring(sample.length() + 1, line.indexOf('}')).split(",(?=[a-zA-Z_]+=\")")) {
					String label = pair.substring(0, pair.indexOf('='));
					if (!TYPE_LABELS.contains(label)) {
						labels.get(family).add(label);
					}
				}
			}
		}
		Map<String, Family> families = new TreeMap<>();
		types.forEach((name, type) -> families.put(name,
				new Family(name, type, String.join(", ", labels.get(name)), helps.getOrDefault(name, ""))));
		return families;
	}

	/** The rows under {@code ## <service>} in METERS.md, up to the next heading. */
	private static Map<String, Family> section(String service) {
		List<String> lines;
		try {
			lines = Files.readAllLines(DOCUMENT);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		int start = lines.indexOf("## " + service);
		assertThat(start).as("METERS.md has a section '## %s'", service).isNotNegative();
		Map<String, Family> rows = new TreeMap<>();
		for (String line : lines.subList(start + 1, lines.size())) {
			if (line.startsWith("#")) {
				break;
			}
			if (line.startsWith("| `")) {
				String[] cells = line.substring(1, line.length() - 1).split(" \\| ", -1);
				String name = cells[0].strip().replace("`", "");
				rows.put(name, new Family(name, cells[1].strip(), cells[2].strip(), cells[3].strip()));
			}
		}
		return rows;
	}

	private static int firstOf(String line, char a, char b) {
		int i = line.indexOf(a);
		int j = line.indexOf(b);
		return (i < 0) ? j : (j < 0) ? i : Math.min(i, j);
	}

}
