package io.prometheusrelay.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.harness.ManagedProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A module under {@code tools/compat/}: a published jar of micrometer's with the classpath it was built for
 * (in {@code target/classpath}), started in its own JVM as a real deployment of it would be.
 */
final class CompatModule {

	private final Path target;

	private CompatModule(String module) {
		this.target = Repository.path("tools/compat/" + module + "/target");
	}

	static CompatModule of(String module) {
		return new CompatModule(module);
	}

	ManagedProcess start(String name, String mainClass, Path workDir, String... args) {
		assertThat(Files.isDirectory(this.target.resolve("classpath"))).as("built by " + this.target.getParent()).isTrue();
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx512m", "-cp",
				this.target.resolve("classes") + File.pathSeparator + this.target.resolve("classpath") + File.separator + "*",
				mainClass));
		command.addAll(List.of(args));
		return ManagedProcess.start(name, command, workDir);
	}

}
