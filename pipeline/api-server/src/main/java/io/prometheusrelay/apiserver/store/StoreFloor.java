package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far retention has deleted: the newest sample of any batch it deleted, kept in
 * {@code <data-dir>/retention-floor} (milliseconds since the epoch) so that it survives restarts. Catching up from a peer never
 * copies a batch whose samples are all older: the peer may keep more, or keep it longer, and a
 * replica that copied back what its own retention deleted would delete and copy it again forever.
 */
final class StoreFloor {

	static final String FILE_NAME = "retention-floor";

	private static final Logger logger = LoggerFactory.getLogger(StoreFloor.class);

	private final Path file;

	private volatile long floor;

	private StoreFloor(Path file, long floor) {
		this.file = file;
		this.floor = floor;
	}

	static StoreFloor load(Path dataDir) throws IOException {
		Path file = dataDir.resolve(FILE_NAME);
		try {
			String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
			return new StoreFloor(file, Long.parseLong(text));
		}
		catch (NoSuchFileException ex) {
			return new StoreFloor(file, Long.MIN_VALUE);
		}
		catch (NumberFormatException ex) {
			// Written atomically, so this is someone's edit: err on the side of copying too much.
			logger.warn("{} is not a timestamp; ignored", file);
			return new StoreFloor(file, Long.MIN_VALUE);
		}
	}

	/** Milliseconds since the epoch; {@link Long#MIN_VALUE} while retention has deleted nothing. */
	long millis() {
		return this.floor;
	}

	/**
	 * Raises the floor to {@code newestDeleted} if that is higher. Retention goes on if the file
	 * cannot be written (the disk that is full is the one retention must free): the floor then holds
	 * until the next start, which may copy back from a peer once what was deleted.
	 */
	void raise(long newestDeleted) {
		if (newestDeleted <= this.floor) {
			return;
		}
		this.floor = newestDeleted;
		Path temporary = this.file.resolveSibling(FILE_NAME + ".tmp");
		try {
			Files.writeString(temporary, newestDeleted + "\n", StandardCharsets.US_ASCII);
			Files.move(temporary, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			logger.debug("Retention floor of {} raised to {}", this.file.getParent(), Instant.ofEpochMilli(newestDeleted));
		}
		catch (IOException ex) {
			logger.warn("Cannot write {} ({}); the retention floor is kept in memory until restart", this.file,
					ex.getMessage());
		}
	}

}
