package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.prometheusrelay.tsdb.block.BatchesFile;
import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.block.BlockWriter;
import io.prometheusrelay.tsdb.block.LatestLink;
import io.prometheusrelay.tsdb.block.Ulid;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.StoredBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocks of the data directory: opened at start (a corrupt one reported, counted and left out, the
 * others served), added and removed by the compactor only, and read by any thread from an immutable
 * list swapped whole. {@code latest} follows the newest.
 */
final class BlockSet {

	private static final Logger logger = LoggerFactory.getLogger(BlockSet.class);

	/** Suffix of a block directory set aside as corrupt. */
	static final String CORRUPT_SUFFIX = ".corrupt";

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

	/**
	 * Opens every block, after deleting what a crash left half-written or half-deleted, and the blocks
	 * a crash left behind after merging them into another.
	 */
	void load() throws IOException {
		Map<Block, Map<BatchId, StoredBatch>> opened = new LinkedHashMap<>();
		List<Path> failed = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.dataDir)) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				if (name.endsWith(BlockWriter.TEMPORARY_SUFFIX) || name.endsWith(BlockWriter.DELETION_SUFFIX)) {
					logger.info("Deleting {}, a block a crash left half-written or half-deleted", entry);
					BlockWriter.deleteRecursively(entry);
					continue;
				}
				if (name.endsWith(CORRUPT_SUFFIX)) {
					// Set aside at an earlier start or read: still reported, until an operator removes it.
					failed.add(entry);
					continue;
				}
				if (Ulid.parse(name) == null || !Files.isDirectory(entry)) {
					continue;
				}
				try {
					Block block = Block.open(entry);
					opened.put(block, BatchesFile.read(entry));
				}
				catch (CorruptionException | IOException ex) {
					this.metrics.corruptBlocks.increment();
					logger.error("Block {} is corrupt and is not served: {}", entry, ex.getMessage());
					failed.add(setAside(entry));
				}
			}
		}
		deleteMergedParents(opened);
		opened.forEach((block, batches) -> this.batches.addBlock(block.meta().ulid(), batches));
		this.blocks = sorted(new ArrayList<>(opened.keySet()));
		this.corrupt = List.copyOf(failed);
	}

	/**
	 * Deletes the blocks another block was merged from: a crash between writing a merge and deleting
	 * its parents leaves both, and the merged block holds everything they do.
	 */
	private static void deleteMergedParents(Map<Block, Map<BatchId, StoredBatch>> opened) throws IOException {
		Set<String> parents = new HashSet<>();
		opened.keySet().forEach(block -> block.meta().compaction().parents().forEach(parent -> parents.add(parent.ulid())));
		for (Block block : List.copyOf(opened.keySet())) {
			if (parents.contains(block.meta().ulid())) {
				logger.info("Deleting block {}: a crash left it after it was merged into another", block.directory());
				opened.remove(block);
				BlockWriter.deleteBlock(block.directory());
			}
		}
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
			BlockWriter.deleteBlock(parent.directory());
		}
	}

	/** Deletes a block (retention). Compactor only. */
	synchronized void delete(Block block) throws IOException {
		List<Block> next = new ArrayList<>(this.blocks);
		next.remove(block);
		this.blocks = next;
		this.batches.blockDeleted(block.meta().ulid());
		pointLatest();
		BlockWriter.deleteBlock(block.directory());
	}

	/**
	 * Leaves out a block found corrupt while read, set aside on disk. Its batches are no longer held,
	 * so that catching up from a peer copies their time ranges again.
	 */
	synchronized void quarantine(Block block) {
		List<Block> next = new ArrayList<>(this.blocks);
		if (next.remove(block)) {
			this.blocks = next;
			this.batches.blockDeleted(block.meta().ulid());
			List<Path> failed = new ArrayList<>(this.corrupt);
			failed.add(setAside(block.directory()));
			this.corrupt = List.copyOf(failed);
			try {
				pointLatest();
			}
			catch (IOException ex) {
				logger.warn("Could not point {} away from corrupt block {}: {}", LatestLink.NAME, block.directory(),
						ex.getMessage());
			}
		}
	}

	/**
	 * Renames a corrupt block's directory to {@code <ulid>.corrupt}: kept for an operator to look at,
	 * but no longer a block to this engine (not opened again at the next start, not merged) or to
	 * Prometheus's tools.
	 */
	private static Path setAside(Path block) {
		Path aside = block.resolveSibling(block.getFileName() + CORRUPT_SUFFIX);
		try {
			Files.move(block, aside, StandardCopyOption.ATOMIC_MOVE);
			return aside;
		}
		catch (IOException ex) {
			logger.warn("Could not set corrupt block {} aside: {}", block, ex.getMessage());
			return block;
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
