package io.prometheusrelay.it;

import java.nio.file.Path;

/** Files of this repository: tests run in the integration-tests directory. */
final class Repository {

	private Repository() {
	}

	static Path path(String relative) {
		return Path.of("..").resolve(relative).toAbsolutePath().normalize();
	}

}
