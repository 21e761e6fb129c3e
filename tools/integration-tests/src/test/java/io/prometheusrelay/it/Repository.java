package io.prometheusrelay.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Files of this repository: tests run in the tools/integration-tests directory. */
final class Repository {

	/** The folders modules live in: the two halves, then the tools. */
	private static final List<String> FOLDERS = List.of("pipeline", "rsocket", "tools");

	private Repository() {
	}

	static Path root() {
		return Path.of("..", "..").toAbsolutePath().normalize();
	}

	static Path path(String relative) {
		return root().resolve(relative).normalize();
	}

	/** A module's directory, by its name (its artifactId), in whichever folder it lives. */
	static Path module(String name) {
		for (String folder : FOLDERS) {
			Path module = root().resolve(folder).resolve(name);
			if (Files.isRegularFile(module.resolve("pom.xml"))) {
				return module;
			}
		}
		throw new IllegalArgumentException("No module " + name + " under " + FOLDERS);
	}

	/** A file of a module, by the module's name and the file's path inside it. */
	static Path moduleFile(String name, String relative) {
		return module(name).resolve(relative);
	}

}
