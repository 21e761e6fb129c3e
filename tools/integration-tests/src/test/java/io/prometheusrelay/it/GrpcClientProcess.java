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
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", ServiceProcess.classpath(),
				// This module's classpath has the pipeline's Consul discovery; grpc-client's own jar does not.
				"-Dspring.cloud.consul.enabled=false", "io.prometheusrelay.grpcclient.GrpcClientApplication"));
		command.addAll(List.of(args));
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

}
