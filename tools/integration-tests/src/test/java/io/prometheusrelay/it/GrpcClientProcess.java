package io.prometheusrelay.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** grpc-client run as its own process, as a user runs it. */
final class GrpcClientProcess {

	private static final AtomicInteger runs = new AtomicInteger();

	private GrpcClientProcess() {
	}

	/** Runs grpc-client with {@code args}, asserts it exits 0 within a minute, and returns its stdout lines. */
	static List<String> run(Path workDir, String... args) throws Exception {
		List<String> command = command(List.of(), args);
		int run = runs.incrementAndGet();
		Path stdout = workDir.resolve("grpc-client-" + run + ".out");
		Path stderr = workDir.resolve("grpc-client-" + run + ".err");
		Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
		try {
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("grpc-client %s finished", List.of(args)).isTrue();
			assertThat(process.exitValue()).as("grpc-client %s: %s", List.of(args), Files.readString(stderr)).isZero();
			return Files.readAllLines(stdout);
		}
		finally {
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * Runs grpc-client in a JVM with {@code jvmOptions} (a heap limit), hands every line it prints to
	 * {@code lines} as it prints it, and asserts it exits 0 within {@code timeout}.
	 */
	static void stream(Path workDir, List<String> jvmOptions, java.time.Duration timeout,
			java.util.function.Consumer<String> lines, String... args) throws Exception {
		Path stderr = workDir.resolve("grpc-client-" + runs.incrementAndGet() + ".err");
		Process process = new ProcessBuilder(command(jvmOptions, args)).redirectError(stderr.toFile()).start();
		// A client that hangs is killed at the deadline, which ends its output and so the reading.
		process.onExit().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionally(timedOut -> {
			process.destroyForcibly();
			return process;
		});
		try (var out = new java.io.BufferedReader(
				new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8), 1 << 16)) {
			out.lines().forEach(lines);
			assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("grpc-client finished").isTrue();
			assertThat(process.exitValue()).as("grpc-client %s: %s", List.of(args), Files.readString(stderr)).isZero();
		}
		finally {
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static List<String> command(List<String> jvmOptions, String... args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", ServiceProcess.classpath(),
				// This module's classpath has the pipeline's Consul discovery; grpc-client's own jar does not.
				"-Dspring.cloud.consul.enabled=false", "io.prometheusrelay.grpcclient.GrpcClientApplication"));
		command.addAll(List.of(args));
		return command;
	}

}
