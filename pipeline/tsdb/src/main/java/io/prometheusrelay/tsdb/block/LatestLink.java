package io.prometheusrelay.tsdb.block;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.prometheusrelay.log.AtomicFile;

/**
 * {@code <data-dir>/latest}: a relative symbolic link to the newest block's directory (ULIDs sort by
 * time), replaced atomically (a new link under a temporary name renamed over the old one), so that a
 * reader finds the previous block or the new one, never nothing.
 */
public final class LatestLink {

	public static final String NAME = "latest";

	private LatestLink() {
	}

	public static void pointAt(Path block) throws IOException {
		Path dir = block.getParent();
		Path temporary = dir.resolve(NAME + ".tmp");
		Files.deleteIfExists(temporary);
		Files.createSymbolicLink(temporary, block.getFileName());
		Files.move(temporary, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		AtomicFile.forceDirectory(dir);
	}

	/** Removes the link when no block is left. */
	public static void remove(Path dataDir) throws IOException {
		Files.deleteIfExists(dataDir.resolve(NAME));
	}

}
