package io.prometheusrelay.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code promtool check metrics}: the exposition validator Prometheus users run. A real
 * peer: skipped without it on a developer's machine, failed without it under CI.
 */
public final class Promtool {

	private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

	private Promtool() {
	}

	/** Every problem promtool reports for {@code exposition}, one per line; empty when it accepts it. */
	public static List<String> problems(String exposition) throws IOException, InterruptedException {
		RealPeers.require(Files.isExecutable(PROMTOOL), "promtool not installed (apt-get install prometheus)");
		Process process = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
		// Written from its own thread: promtool may stop reading at its first error, with its report unread.
		Thread writer = new Thread(() -> {
			try (OutputStream in = process.getOutputStream()) {
				in.write(exposition.getBytes(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				// promtool stopped reading: it has found its error
			}
		}, "promtool-input");
		writer.start();
		String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("promtool did not finish within 60 s");
		}
		writer.join();
		return report.lines().filter(line -> !line.isBlank()).toList();
	}

}
