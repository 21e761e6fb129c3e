package io.prometheusrelay.tsdb.block;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.prometheusrelay.tsdb.chunks.ChunkReader;
import io.prometheusrelay.tsdb.index.IndexReader;
import io.prometheusrelay.tsdb.model.CorruptionException;

/**
 * A block opened for reading: its meta, its index and its chunks, each checked as far as opening can
 * (headers, tables of contents, the checksums of the tables read whole). What opening cannot check,
 * the series and chunks, is checked as it is read.
 */
public final class Block {

	private final Path directory;

	private final BlockMeta meta;

	private final IndexReader index;

	private final ChunkReader chunks;

	private final long sizeBytes;

	private Block(Path directory, BlockMeta meta, IndexReader index, ChunkReader chunks, long sizeBytes) {
		this.directory = directory;
		this.meta = meta;
		this.index = index;
		this.chunks = chunks;
		this.sizeBytes = sizeBytes;
	}

	/**
	 * Opens the block in {@code directory}.
	 * @throws CorruptionException if a file of it is not what it must be
	 */
	public static Block open(Path directory) throws IOException {
		BlockMeta meta = BlockMeta.read(directory);
		IndexReader index = IndexReader.open(directory.resolve("index"));
		ChunkReader chunks = ChunkReader.open(directory.resolve("chunks"));
		return new Block(directory, meta, index, chunks, directorySize(directory));
	}

	public Path directory() {
		return this.directory;
	}

	public BlockMeta meta() {
		return this.meta;
	}

	public IndexReader index() {
		return this.index;
	}

	public ChunkReader chunks() {
		return this.chunks;
	}

	/** Bytes of every file of the block. */
	public long sizeBytes() {
		return this.sizeBytes;
	}

	private static long directorySize(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
		}
	}

	@Override
	public String toString() {
		return "Block " + this.meta.ulid() + " [" + this.meta.minTime() + ", " + this.meta.maxTime() + ")";
	}

}
