package io.prometheusrelay.tsdb.compact;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.prometheusrelay.tsdb.block.BatchesFile;
import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.block.BlockMeta;
import io.prometheusrelay.tsdb.block.BlockWriter;
import io.prometheusrelay.tsdb.block.Ulid;
import io.prometheusrelay.tsdb.chunkenc.ChunkSequence;
import io.prometheusrelay.tsdb.chunkenc.SampleIterator;
import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.head.CompactionSnapshot;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.StoredBatch;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.MetricMetadata;
import io.prometheusrelay.tsdb.model.ValueType;
import io.prometheusrelay.tsdb.query.Querier;
import io.prometheusrelay.tsdb.query.SeriesChunks;
import org.jspecify.annotations.Nullable;

/** Writes blocks: one from the head's snapshots of a block range, or one from several blocks. */
public final class Compactor {

	private final Path dataDir;

	private final Clock clock;

	public Compactor(Path dataDir, Clock clock) {
		this.dataDir = dataDir;
		this.clock = clock;
	}

	/**
	 * Writes the block [mint, maxt) from the head's snapshots (in label order).
	 * @return its meta, or null when there was nothing to write
	 */
	public @Nullable BlockMeta writeHeadBlock(List<CompactionSnapshot> snapshots, long mint, long maxt,
			Map<BatchId, StoredBatch> batches, Map<String, MetricMetadata> metadata) throws IOException {
		if (snapshots.isEmpty()) {
			return null;
		}
		Set<String> symbols = new HashSet<>();
		for (CompactionSnapshot snapshot : snapshots) {
			addSymbols(symbols, snapshot.labels());
		}
		Ulid id = Ulid.at(this.clock.millis());
		try (BlockWriter writer = BlockWriter.create(this.dataDir, id, mint, maxt, symbols)) {
			for (CompactionSnapshot snapshot : snapshots) {
				writer.addSeries(snapshot.labels(), snapshot.blockChunks(), snapshot.exemplars(), snapshot.created());
			}
			return writer.commit(new BlockMeta.Compaction(1, List.of(id.toString()), List.of()), batches, metadata);
		}
	}

	/**
	 * Writes one block with everything the parents hold, over their whole time range: the series of
	 * overlapping parents merged sample by sample (a sample held twice written once), the chunks of the
	 * others copied as they are, and the identities of the batches of all.
	 */
	public BlockMeta merge(List<Block> parents) throws IOException {
		long mint = parents.stream().mapToLong(Block::minTime).min().orElseThrow();
		long maxt = parents.stream().mapToLong(block -> block.meta().maxTime()).max().orElseThrow();
		Set<String> symbols = new TreeSet<>();
		Map<BatchId, StoredBatch> batches = new HashMap<>();
		Map<String, MetricMetadata> metadata = new HashMap<>();
		Set<String> sources = new TreeSet<>();
		List<BlockMeta.Parent> parentDescriptions = new ArrayList<>();
		int level = 0;
		for (Block parent : parents) {
			for (int i = 0; i < parent.index().symbolCount(); i++) {
				symbols.add(parent.index().symbol(i));
			}
			batches.putAll(BatchesFile.read(parent.directory()));
			// Parents are in time order: a newer block's metadata replaces an older one's.
			metadata.putAll(parent.annotations().metadata());
			sources.addAll(parent.meta().compaction().sources());
			parentDescriptions.add(new BlockMeta.Parent(parent.meta().ulid(), parent.meta().minTime(),
					parent.meta().maxTime()));
			level = Math.max(level, parent.meta().compaction().level());
		}
		Querier querier = new Querier(parents, mint, maxt - 1, (source, ex) -> {
			throw ex;
		});
		Ulid id = Ulid.at(this.clock.millis());
		try (BlockWriter writer = BlockWriter.create(this.dataDir, id, mint, maxt, symbols)) {
			Iterator<SeriesChunks> series = querier.select(List.of());
			while (series.hasNext()) {
				SeriesChunks each = series.next();
				writer.addSeries(each.labels(), overlapping(each.chunks()) ? merged(querier, each) : sorted(each.chunks()),
						each.exemplars(), each.created());
			}
			return writer.commit(new BlockMeta.Compaction(level + 1, List.copyOf(sources), parentDescriptions), batches,
					metadata);
		}
		catch (CorruptionException ex) {
			throw new IOException("A block to merge is corrupt: " + ex.getMessage(), ex);
		}
	}

	private static boolean overlapping(List<TimedChunk> chunks) {
		List<TimedChunk> sorted = sorted(chunks);
		for (int i = 1; i < sorted.size(); i++) {
			if (sorted.get(i).minTime() <= sorted.get(i - 1).maxTime()) {
				return true;
			}
		}
		return false;
	}

	private static List<TimedChunk> sorted(List<TimedChunk> chunks) {
		List<TimedChunk> sorted = new ArrayList<>(chunks);
		sorted.sort(Comparator.comparingLong(TimedChunk::minTime));
		return sorted;
	}

	private static List<TimedChunk> merged(Querier querier, SeriesChunks series) {
		ChunkSequence chunks = new ChunkSequence();
		SampleIterator samples = querier.samples(series);
		for (ValueType type = samples.next(); type != ValueType.NONE; type = samples.next()) {
			chunks.append(samples.sample(type));
		}
		return chunks.finish();
	}

	private static void addSymbols(Set<String> symbols, Labels labels) {
		for (int i = 0; i < labels.size(); i++) {
			symbols.add(labels.name(i));
			symbols.add(labels.value(i));
		}
	}

}
