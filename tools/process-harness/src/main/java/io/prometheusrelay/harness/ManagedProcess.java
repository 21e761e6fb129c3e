package io.prometheusrelay.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process started by a test and stopped by it, by PID. Output goes to a log file so that a
 * failing test can show it.
 */
public final class ManagedProcess implements AutoCloseable {

	private final Process process;

	private final Path log;

	private ManagedProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	public static ManagedProcess start(String name, List<String> command, Path logDir) {
		return start(name, command, Map.of(), logDir);
	}

	/** Starts {@code command} with {@code environment} added to this process's environment. */
	public static ManagedProcess start(String name, List<String> command, Map<String, String> environment,
			Path logDir) {
		try {
			Files.createDirectories(logDir);
			Path log = logDir.resolve(name + ".log");
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			builder.environment().putAll(environment);
			Process process = builder.start();
			return new ManagedProcess(process, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + name + ": " + command, ex);
		}
	}

	public long pid() {
		return this.process.pid();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** The last {@code lines} lines of the process's output, for assertion messages. */
	public String tail(int lines) {
		try {
			List<String> all = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

	/** SIGKILL, no chance to flush or clean up: the crash the tests want to survive. */
	public void kill() {
		ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroyForcibly);
		awaitExit(Duration.ofSeconds(10));
	}

	/** SIGTERM, then SIGKILL if the process has not exited within the grace period. */
	public void stop(Duration grace) {
		ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroy);
		if (!awaitExit(grace)) {
			kill();
		}
	}

	/** Waits for the process to end by itself; false when it is still running after {@code timeout}. */
	public boolean awaitExit(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public void close() {
		stop(Duration.ofSeconds(10));
	}

}
