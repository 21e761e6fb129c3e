package io.prometheusrelay.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.prometheusrelay.harness.ManagedProcess;
import io.prometheusrelay.testsupport.RealPeers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus project's remote-write receiver compliance suite ({@code remotewrite/receiver} of
 * {@code prometheus/compliance}, unmodified, in {@code ../shared/peers/}) against the whole
 * pipeline: receiver, forwarder and both api-servers, each its own process. Every one of its tests
 * must pass. The suite is built by {@code ../shared/peers/build-rw-compliance.sh} (which
 * {@code .ci/run} runs), and cached outside the repository.
 */
class RemoteWriteComplianceTests {

	private static final Path BUILD_SCRIPT = Repository.path("../shared/peers/build-rw-compliance.sh");

	private static final Pattern TOP_LEVEL_RESULT = Pattern.compile("(?m)^--- (PASS|FAIL|SKIP): (Test\\w+)");

	@TempDir
	Path workDir;

	@Test
	void passesEveryTestOfThePrometheusRemoteWriteReceiverComplianceSuite() throws Exception {
		Path suite = suiteBinary();
		try (Pipeline pipeline = new Pipeline(this.workDir).start()) {
			Path config = Files.writeString(this.workDir.resolve("compliance.yml"),
					"remote_write:\n  - name: relay\n    url: \"" + pipeline.writeUrl() + "\"\n");
			String output;
			try (ManagedProcess run = ManagedProcess.start("compliance", List.of(suite.toString(), "-test.v", "-test.count=1"),
					Map.of("PROMETHEUS_RW2_COMPLIANCE_CONFIG_FILE", config.toString()), this.workDir)) {
				assertThat(run.awaitExit(Duration.ofMinutes(5))).as("the suite finished within 5 minutes").isTrue();
				output = Files.readString(this.workDir.resolve("compliance.log"), StandardCharsets.UTF_8);
			}
			Matcher results = TOP_LEVEL_RESULT.matcher(output);
			List<String> passed = new java.util.ArrayList<>();
			List<String> others = new java.util.ArrayList<>();
			while (results.find()) {
				(results.group(1).equals("PASS") ? passed : others).add(results.group(1) + " " + results.group(2));
			}
			assertThat(others).as("tests that did not pass; the suite's output ends:\n%s",
					output.substring(Math.max(0, output.length() - 4000))).isEmpty();
			assertThat(passed).as("tests of the suite that passed").hasSize(39);
		}
	}

	/** The suite's test binary: built (or found in the cache) by the script, which prints its path. */
	private static Path suiteBinary() throws IOException, InterruptedException {
		RealPeers.require(Files.isExecutable(BUILD_SCRIPT),
				"No " + BUILD_SCRIPT + ": the compliance suite's source lives beside the repository, in ../shared/peers");
		Process build = new ProcessBuilder("bash", BUILD_SCRIPT.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		String path;
		try {
			path = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (!build.waitFor(10, TimeUnit.MINUTES)) {
				build.destroyForcibly();
			}
		}
		finally {
			build.destroyForcibly();
		}
		Path binary = path.isEmpty() ? null : Path.of(path);
		RealPeers.require(binary != null && Files.isExecutable(binary),
				"Could not build the compliance suite with " + BUILD_SCRIPT + " (needs Go and the Go module proxy)");
		return binary;
	}

}
