package io.prometheusrelay.tsdb.chunks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The layout of a {@code chunks/} directory: files {@code 000001}, {@code 000002}, ..., each starting
 * with the magic number, the format version and three bytes of padding.
 */
final class ChunkFiles {

	static final int MAGIC = 0x85BD40DD;

	static final int VERSION = 1;

	static final int HEADER_BYTES = 8;

	/** Prometheus's limit, so that an offset fits the lower half of a reference. */
	static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

	private ChunkFiles() {
	}

	static String name(int index) {
		return String.format("%06d", index);
	}

	/** The segment files, in order; a file's position in this list is its sequence number. */
	static List<Path> list(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter(file -> file.getFileName().toString().matches("\\d{6,}"))
				.sorted((a, b) -> Long.compare(Long.parseLong(a.getFileName().toString()),
						Long.parseLong(b.getFileName().toString())))
				.toList();
		}
	}

}
