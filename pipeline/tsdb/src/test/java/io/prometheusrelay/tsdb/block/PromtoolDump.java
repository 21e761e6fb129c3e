package io.prometheusrelay.tsdb.block;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.prometheusrelay.harness.GoPeer;
import io.prometheusrelay.testsupport.RealPeers;

/**
 * Runs Prometheus v3.5's promtool (built from its Go module, {@link GoPeer#PROMTOOL}) on a data
 * directory, and reads what {@code tsdb dump} prints back into series and samples, as text: floats as
 * Go's {@code %g} prints them, histograms as Go's {@code Histogram.String()}.
 */
final class PromtoolDump {

	private PromtoolDump() {
	}

	/** One line of a dump: the series as Go prints labels, the value or histogram, the timestamp. */
	record Line(String labels, String value, long timestamp) {
	}

	/** promtool's output; fails with it if promtool exits non-zero. */
	static String run(Path workDir, String... arguments) throws IOException, InterruptedException {
		RealPeers.requireBuilt(GoPeer.PROMTOOL);
		List<String> command = new ArrayList<>();
		command.add(GoPeer.PROMTOOL.binary().toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("promtool " + arguments[0] + " did not finish in 120 s");
		}
		if (process.exitValue() != 0) {
			throw new AssertionError("promtool " + String.join(" ", arguments) + " exited " + process.exitValue()
					+ ":\n" + output);
		}
		return output;
	}

	/** {@code promtool tsdb dump}'s lines, grouped by series in the order printed. */
	static Map<String, List<Line>> dump(Path dataDir) throws IOException, InterruptedException {
		// promtool opens the directory as a Prometheus data directory, whose head WAL is in wal/: it
		// must be there, even empty.
		Files.createDirectories(dataDir.resolve("wal"));
		String output = run(dataDir, "tsdb", "dump", "--sandbox-dir-root=" + dataDir, dataDir.toString());
		Map<String, List<Line>> series = new LinkedHashMap<>();
		for (String text : output.split("\n")) {
			if (text.isBlank()) {
				continue;
			}
			Line line = parse(text);
			series.computeIfAbsent(line.labels(), key -> new ArrayList<>()).add(line);
		}
		return series;
	}

	private static Line parse(String text) {
		int lastSpace = text.lastIndexOf(' ');
		long timestamp = Long.parseLong(text.substring(lastSpace + 1));
		String rest = text.substring(0, lastSpace);
		int split = rest.endsWith("}") ? rest.lastIndexOf("} {") + 1 : rest.lastIndexOf(' ');
		return new Line(rest.substring(0, split), rest.substring(split + 1), timestamp);
	}

}
