package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads a data directory from outside the store (tools, tests, another process): segments in
 * order, and their records. A torn tail ends a segment quietly, as it would be cut off at the store's
 * next start; the active segment of a running store may end in one.
 */
public final class SegmentFiles {

	private SegmentFiles() {
	}

	/** Segment files, oldest first. */
	public static List<Path> list(Path dataDir) throws IOException {
		List<Path> segments = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir,
				entry -> SegmentFormat.isSegment(entry.getFileName().toString()) && Files.isRegularFile(entry))) {
			entries.forEach(segments::add);
		}
		segments.sort(null);
		return segments;
	}

	/** Every complete record of every segment, in order. */
	public static void forEachRecord(Path dataDir, Consumer<byte[]> action) throws IOException {
		for (Path segment : list(dataDir)) {
			try (SegmentReader reader = SegmentReader.open(segment)) {
				Optional<byte[]> record;
				while ((record = reader.next()).isPresent()) {
					action.accept(record.get());
				}
			}
		}
	}

	/** The link to the newest segment. */
	public static Path latestLink(Path dataDir) {
		return dataDir.resolve(SegmentFormat.LATEST_LINK);
	}

}
