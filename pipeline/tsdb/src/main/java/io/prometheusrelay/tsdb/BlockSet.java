package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.prometheusrelay.tsdb.block.BatchesFile;
import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.block.BlockWriter;
import io.prometheusrelay.tsdb.block.LatestLink;
import io.prometheusrelay.tsdb.block.Ulid;
import io.prometheusrelay.tsdb.model.CorruptionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocks of the data directory: opened at start (a corrupt one reported, counted and left out, the
 * others served), added and removed by the compactor only, and read by any thread from an immutable
 * list swapped whole. {@code latest} follows the newest.
 */
final class BlockSet {

	private static final Logger logger = LoggerFactory.getLogger(BlockSet.class);

	private final Path dataDir;

	private final BatchIndex batches;

	private final TsdbMetrics metrics;

	private volatile List<Block> blocks = List.of();

	/** Blocks that could not be opened: their directories, left for an operator to look at. */
	private volatile List<Path> corrupt = List.of();

	BlockSet(Path dataDir, BatchIndex batches, TsdbMetrics metrics) {
		this.dataDir = dataDir;
		this.batches = batches;
		this.metrics = metrics;
	}

	/** Opens every block, after deleting what a crash left half-written. */
	void load() throws IOException {
		List<Block> opened = new ArrayList<>();
		List<Path> failed = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.dataDir)) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				if (name.endsWith(BlockWriter.TEMPORARY_SUFFIX)) {
					logger.info("Deleting {}, a block a crash left half-written", entry);
					BlockWriter.deleteRecursively(entry);
					continue;
				}
				if (Ulid.parse(name) == null || !Files.isDirectory(entry)) {
					continue;
				}
				try {
					Block block = Block.open(entry);
					this.batches.addBlock(block.meta().ulid(), BatchesFile.read(entry));
					opened.add(block);
				}
				catch (CorruptionException | IOException ex) {
					this.metrics.corruptBlocks.increment();
					failed.add(entry);
					logger.error("Block {} is corrupt and is not served: {}", entry, ex.getMessage());
				}
			}
		}
		this.blocks = sorted(opened);
		this.corrupt = List.copyOf(failed);
	}

	List<Block> blocks() {
		return this.blocks;
	}

	List<Path> corrupt() {
		return this.corrupt;
	}

	long sizeBytes() {
		return this.blocks.stream().mapToLong(Block::sizeBytes).sum();
	}

	/** The newest timestamp a block can hold, {@link Long#MIN_VALUE} without blocks. */
	long maxTime() {
		return this.blocks.stream().mapToLong(Block::maxTime).max().orElse(Long.MIN_VALUE);
	}

	/** Adds a block just written. Compactor only. */
	synchronized void add(Block block) throws IOException {
		List<Block> next = new ArrayList<>(this.blocks);
		next.add(block);
		this.blocks = sorted(next);
		pointLatest();
	}

	/** Replaces merged blocks by the block they were merged into, then deletes them. Compactor only. */
	synchronized void replace(List<Block> parents, Block child) throws IOException {
		List<Block> next = new ArrayList<>(this.blocks);
		next.removeAll(parents);
		next.add(child);
		this.blocks = sorted(next);
		this.batches.merged(parents.stream().map(block -> block.meta().ulid()).toList(), child.meta().ulid());
		pointLatest();
		for (Block parent : parents) {
			BlockWriter.deleteRecursively(parent.directory());
		}
	}

	/** Deletes a block (retention). Compactor only. */
	synchronized void delete(Block block) throws IOException {
		List<Block> next = new ArrayList<>(this.blocks);
		next.remove(block);
		this.blocks = next;
		this.batches.blockDeleted(block.meta().ulid());
		pointLatest();
		BlockWriter.deleteRecursively(block.directory());
	}

	/** Leaves out a block found corrupt while read: it stays on disk, reported. */
	synchronized void quarantine(Block block) {
		List<Block> next = new ArrayList<>(this.blocks);
		if (next.remove(block)) {
			this.blocks = next;
			List<Path> failed = new ArrayList<>(this.corrupt);
			failed.add(block.directory());
			this.corrupt = List.copyOf(failed);
		}
	}

	private void pointLatest() throws IOException {
		Block newest = this.blocks.stream()
			.max(Comparator.comparing(block -> block.meta().id()))
			.orElse(null);
		if (newest == null) {
			LatestLink.remove(this.dataDir);
		}
		else {
			LatestLink.pointAt(newest.directory());
		}
	}

	private static List<Block> sorted(List<Block> blocks) {
		List<Block> sorted = new ArrayList<>(blocks);
		sorted.sort(Comparator.comparingLong(Block::minTime).thenComparing(block -> block.meta().id()));
		return List.copyOf(sorted);
	}

}
