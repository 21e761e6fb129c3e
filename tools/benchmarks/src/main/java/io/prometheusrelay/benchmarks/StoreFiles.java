package io.prometheusrelay.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.prometheusrelay.tsdb.block.BlockMeta;

/**
 * What a data directory holds on disk, ours or Prometheus's: its blocks (their samples from each
 * {@code meta.json}, the bytes of Prometheus's own files in them, and of any other file in them,
 * which are ours), and the bytes of everything else (write-ahead logs, head chunks, checkpoints).
 */
record StoreFiles(List<BlockMeta> blocks, long blockBytes, long extraBlockBytes, long otherBytes) {

	/** The files of Prometheus's block format; anything else in a block directory is a file of our own. */
	private static final List<String> PROMETHEUS_FILES = List.of("index", "meta.json", "tombstones", "chunks");

	static StoreFiles of(Path dataDir) throws IOException {
		List<BlockMeta> blocks = new ArrayList<>();
		long blockBytes = 0;
		long extraBytes = 0;
		long otherBytes = 0;
		try (Stream<Path> entries = Files.list(dataDir)) {
			for (Path entry : entries.toList()) {
				String name = entry.getFileName().toString();
				if (Files.isDirectory(entry) && name.matches("[0-9A-HJKMNP-TV-Z]{26}")) {
					blocks.add(BlockMeta.read(entry));
					try (Stream<Path> files = Files.list(entry)) {
						for (Path file : files.toList()) {
							long bytes = bytes(file);
							if (PROMETHEUS_FILES.contains(file.getFileName().toString())) {
								blockBytes += bytes;
							}
							else {
								extraBytes += bytes;
							}
						}
					}
				}
				else if (!Files.isSymbolicLink(entry)) {
					otherBytes += bytes(entry);
				}
			}
		}
		blocks.sort((a, b) -> Long.compare(a.minTime(), b.minTime()));
		return new StoreFiles(blocks, blockBytes, extraBytes, otherBytes);
	}

	/** Samples in the blocks, as their meta.json counts them. */
	long blockSamples() {
		return this.blocks.stream().mapToLong(meta -> meta.stats().numSamples()).sum();
	}

	/** The blocks' time ranges, for the results: {@code [0h, 6h) [6h, 8h)} from {@code origin}. */
	String layout(long origin) {
		StringBuilder text = new StringBuilder();
		for (BlockMeta meta : this.blocks) {
			text.append(text.isEmpty() ? "" : " ")
				.append('[')
				.append(hours(meta.minTime() - origin))
				.append(", ")
				.append(hours(meta.maxTime() - origin))
				.append(')');
		}
		return text.toString();
	}

	private static String hours(long millis) {
		double hours = millis / 3_600_000.0;
		return (hours == Math.rint(hours)) ? (long) hours + "h" : String.format("%.2fh", hours);
	}

	/** Bytes of a file, or of every file under a directory. */
	static long bytes(Path path) throws IOException {
		if (!Files.isDirectory(path)) {
			return Files.size(path);
		}
		try (Stream<Path> files = Files.walk(path)) {
			return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
		}
	}

}
