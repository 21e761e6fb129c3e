package io.prometheusrelay.tsdb.block;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.prometheusrelay.tsdb.chunks.ChunkMeta;
import io.prometheusrelay.tsdb.chunks.ChunkWriter;
import io.prometheusrelay.log.AtomicFile;
import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.index.IndexWriter;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.StoredBatch;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.MetricMetadata;

/**
 * Writes one block: series are added in label order with their chunks, into
 * {@code <ulid>.tmp-for-creation}; {@link #commit} writes the tombstones and meta.json, forces
 * everything to disk and renames the directory to {@code <ulid>}, so that a block is either whole or
 * not there. {@link #close()} without a commit removes the temporary directory.
 */
public final class BlockWriter implements AutoCloseable {

	/** Suffix of a block being written; a directory with it after a crash is garbage. */
	public static final String TEMPORARY_SUFFIX = ".tmp-for-creation";

	/** Suffix of a block being deleted (Prometheus's own), so that a crash mid-delete leaves no half block. */
	public static final String DELETION_SUFFIX = ".tmp-for-deletion";

	private final Path dataDir;

	private final Ulid id;

	private final long minTime;

	private final long maxTime;

	private final Path temporary;

	private final ChunkWriter chunks;

	private final IndexWriter index;

	private final Map<Integer, AnnotationsFile.SeriesAnnotations> annotations = new HashMap<>();

	private long numSeries;

	private long numChunks;

	private long numSamples;

	private boolean committed;

	private BlockWriter(Path dataDir, Ulid id, long minTime, long maxTime, Path temporary, ChunkWriter chunks,
			IndexWriter index) {
		this.dataDir = dataDir;
		this.id = id;
		this.minTime = minTime;
		this.maxTime = maxTime;
		this.temporary = temporary;
		this.chunks = chunks;
		this.index = index;
	}

	/**
	 * Starts a block of the samples in [minTime, maxTime) under {@code dataDir}.
	 * @param symbols every label name and value of the series to come
	 */
	public static BlockWriter create(Path dataDir, Ulid id, long minTime, long maxTime, Collection<String> symbols)
			throws IOException {
		Path temporary = dataDir.resolve(id + TEMPORARY_SUFFIX);
		deleteRecursively(temporary);
		Files.createDirectories(temporary);
		try {
			ChunkWriter chunks = new ChunkWriter(temporary.resolve("chunks"));
			IndexWriter index = IndexWriter.create(temporary.resolve("index"), symbols);
			return new BlockWriter(dataDir, id, minTime, maxTime, temporary, chunks, index);
		}
		catch (IOException | RuntimeException ex) {
			deleteRecursively(temporary);
			throw ex;
		}
	}

	/** Adds a series after the previous one in label order; its chunks in time order, within the range. */
	public void addSeries(Labels labels, List<TimedChunk> seriesChunks) throws IOException {
		addSeries(labels, seriesChunks, List.of(), List.of());
	}

	/** Adds a series with its chunks, and the exemplars and created ranges it has in the block. */
	public void addSeries(Labels labels, List<TimedChunk> seriesChunks, List<Exemplar> exemplars,
			List<CreatedRange> created) throws IOException {
		List<ChunkMeta> metas = new ArrayList<>(seriesChunks.size());
		for (TimedChunk timed : seriesChunks) {
			if (timed.minTime() < this.minTime || timed.maxTime() >= this.maxTime) {
				throw new IllegalArgumentException("Chunk [" + timed.minTime() + ", " + timed.maxTime() + "] of "
						+ labels + " is outside the block's [" + this.minTime + ", " + this.maxTime + ")");
			}
			metas.add(this.chunks.write(timed.chunk(), timed.minTime(), timed.maxTime()));
			this.numSamples += timed.chunk().numSamples();
		}
		int ref = this.index.addSeries(labels, metas);
		if (!exemplars.isEmpty() || !created.isEmpty()) {
			this.annotations.put(ref, new AnnotationsFile.SeriesAnnotations(exemplars, created));
		}
		this.numSeries++;
		this.numChunks += metas.size();
	}

	public long numSeries() {
		return this.numSeries;
	}

	/** Finishes the block and moves it into place. */
	public BlockMeta commit(BlockMeta.Compaction compaction) throws IOException {
		return commit(compaction, Map.of(), Map.of());
	}

	/**
	 * Finishes the block, with the batches whose newest samples it holds and the metric families'
	 * metadata, and moves it into place.
	 */
	public BlockMeta commit(BlockMeta.Compaction compaction, Map<BatchId, StoredBatch> batches,
			Map<String, MetricMetadata> metadata) throws IOException {
		this.chunks.close();
		this.index.close();
		Tombstones.writeEmpty(this.temporary);
		if (!batches.isEmpty()) {
			BatchesFile.write(this.temporary, batches);
		}
		if (!this.annotations.isEmpty() || !metadata.isEmpty()) {
			AnnotationsFile.write(this.temporary, new AnnotationsFile.Contents(this.annotations, metadata));
		}
		BlockMeta meta = new BlockMeta(this.id.toString(), this.minTime, this.maxTime,
				new BlockMeta.Stats(this.numSamples, this.numSeries, this.numChunks), compaction, BlockMeta.VERSION);
		meta.write(this.temporary);
		forceDirectory(this.temporary.resolve("chunks"));
		forceDirectory(this.temporary);
		Path target = this.dataDir.resolve(this.id.toString());
		Files.move(this.temporary, target, StandardCopyOption.ATOMIC_MOVE);
		forceDirectory(this.dataDir);
		this.committed = true;
		return meta;
	}

	@Override
	public void close() throws IOException {
		if (!this.committed) {
			try {
				this.chunks.close();
				this.index.close();
			}
			finally {
				deleteRecursively(this.temporary);
			}
		}
	}

	private static void forceDirectory(Path directory) throws IOException {
		AtomicFile.forceDirectory(directory);
	}

	/**
	 * Deletes a block: renamed out of the blocks' names first (durably), then deleted, so that a crash
	 * part-way leaves a directory that is deleted at the next start, never a block missing files.
	 */
	public static void deleteBlock(Path block) throws IOException {
		if (!Files.exists(block)) {
			return;
		}
		Path doomed = block.resolveSibling(block.getFileName() + DELETION_SUFFIX);
		Files.move(block, doomed, StandardCopyOption.ATOMIC_MOVE);
		forceDirectory(block.toAbsolutePath().getParent());
		deleteRecursively(doomed);
	}

	/** Deletes a directory and everything in it (a block, a block left half-written). */
	public static void deleteRecursively(Path path) throws IOException {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(path)) {
			walk.sorted(Comparator.reverseOrder()).forEach(each -> {
				try {
					Files.deleteIfExists(each);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
	}

}
