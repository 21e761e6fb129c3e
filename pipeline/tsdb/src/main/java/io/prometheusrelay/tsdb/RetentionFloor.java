package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.prometheusrelay.log.AtomicFile;

/**
 * {@code <data-dir>/retention-floor}: the newest timestamp (ms) of anything retention deleted, kept
 * across restarts, so that catching up from a peer never copies back what this replica deleted.
 */
final class RetentionFloor {

	static final String FILE_NAME = "retention-floor";

	private final Path file;

	private volatile long millis;

	private RetentionFloor(Path file, long millis) {
		this.file = file;
		this.millis = millis;
	}

	static RetentionFloor load(Path dataDir) throws IOException {
		Path file = dataDir.resolve(FILE_NAME);
		try {
			return new RetentionFloor(file, Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()));
		}
		catch (NoSuchFileException ex) {
			return new RetentionFloor(file, Long.MIN_VALUE);
		}
		catch (NumberFormatException ex) {
			throw new IOException(file + " does not hold a timestamp: " + ex.getMessage(), ex);
		}
	}

	long millis() {
		return this.millis;
	}

	/** Raises the floor to {@code timestamp}, durably, before what it stands for is deleted. */
	void raise(long timestamp) throws IOException {
		if (timestamp > this.millis) {
			AtomicFile.write(this.file, (timestamp + "\n").getBytes(StandardCharsets.UTF_8));
			this.millis = timestamp;
		}
	}

}
