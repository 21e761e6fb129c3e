package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Points {@code <data-dir>/latest} at the newest segment. The link is replaced atomically (a new
 * link under a temporary name, then a rename over the old one), so a reader always finds either the
 * previous or the new segment, never nothing.
 */
final class LatestLink {

	private LatestLink() {
	}

	static void pointAt(Path segment) throws IOException {
		Path dir = segment.getParent();
		Path temporary = dir.resolve(SegmentFormat.LATEST_LINK + ".tmp");
		Files.deleteIfExists(temporary);
		// Relative target: the directory stays valid when moved or mounted elsewhere.
		Files.createSymbolicLink(temporary, segment.getFileName());
		Files.move(temporary, dir.resolve(SegmentFormat.LATEST_LINK), StandardCopyOption.ATOMIC_MOVE,
				StandardCopyOption.REPLACE_EXISTING);
		syncDirectory(dir);
	}

	/** Makes a file's creation, rename or deletion in {@code dir} durable. */
	static void syncDirectory(Path dir) throws IOException {
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

}
