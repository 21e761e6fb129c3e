package io.prometheusrelay.tsdb.block;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.chunks.ChunkMeta;
import io.prometheusrelay.tsdb.chunks.ChunkReader;
import io.prometheusrelay.tsdb.index.IndexReader;
import io.prometheusrelay.tsdb.index.IndexSeries;
import io.prometheusrelay.tsdb.index.Postings;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Matcher;
import io.prometheusrelay.tsdb.query.ChunkSource;
import io.prometheusrelay.tsdb.query.SeriesChunks;
import org.jspecify.annotations.Nullable;

/**
 * A block opened for reading: its meta, its index and its chunks, each checked as far as opening can
 * (headers, tables of contents, the checksums of the tables read whole). What opening cannot check,
 * the series and chunks, is checked as it is read.
 */
public final class Block implements ChunkSource {

	private final Path directory;

	private final BlockMeta meta;

	private final IndexReader index;

	private final ChunkReader chunks;

	private final long sizeBytes;

	/** Read when first asked for: most reads need no exemplars. */
	private volatile AnnotationsFile.@Nullable Contents annotations;

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

	@Override
	public long minTime() {
		return this.meta.minTime();
	}

	/** The newest timestamp the block can hold: its meta's maxTime is exclusive. */
	@Override
	public long maxTime() {
		return this.meta.maxTime() - 1;
	}

	/** Reads each selected series' index entry and overlapping chunks as the iterator reaches it. */
	@Override
	public Iterator<SeriesChunks> select(List<Matcher> matchers, long mint, long maxt, BooleanSupplier cancelled) {
		Postings postings = this.index.select(matchers, cancelled);
		return new Iterator<>() {

			private int position;

			private @Nullable SeriesChunks next;

			@Override
			public boolean hasNext() {
				while (this.next == null && this.position < postings.size()) {
					int ref = postings.get(this.position++);
					IndexSeries series = Block.this.index.series(ref);
					List<TimedChunk> chunks = new ArrayList<>();
					for (ChunkMeta meta : series.chunks()) {
						if (meta.overlaps(mint, maxt)) {
							chunks.add(new TimedChunk(Block.this.chunks.chunk(meta.ref()), meta.minTime(), meta.maxTime()));
						}
					}
					SeriesChunks read = withAnnotations(new SeriesChunks(series.labels(), chunks), ref, mint, maxt);
					if (!read.isEmpty()) {
						this.next = read;
					}
				}
				return this.next != null;
			}

			@Override
			public SeriesChunks next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				SeriesChunks result = this.next;
				this.next = null;
				return result;
			}

		};
	}

	/**
	 * The block's exemplars, created ranges and metadata, read from {@code relay-annotations} the
	 * first time they are asked for.
	 * @throws CorruptionException if the file is damaged
	 */
	public AnnotationsFile.Contents annotations() {
		AnnotationsFile.Contents contents = this.annotations;
		if (contents == null) {
			try {
				contents = AnnotationsFile.read(this.directory);
			}
			catch (IOException ex) {
				throw new CorruptionException(this.directory + ": " + ex.getMessage(), ex);
			}
			this.annotations = contents;
		}
		return contents;
	}

	/** Each selected series' last chunk, newest exemplar and the created range of its last sample. */
	@Override
	public Iterator<SeriesChunks> selectLatest(List<Matcher> matchers, BooleanSupplier cancelled) {
		Postings postings = this.index.select(matchers, cancelled);
		return new Iterator<>() {

			private int position;

			@Override
			public boolean hasNext() {
				return this.position < postings.size();
			}

			@Override
			public SeriesChunks next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				int ref = postings.get(this.position++);
				IndexSeries series = Block.this.index.series(ref);
				List<TimedChunk> last = new ArrayList<>(1);
				long newest = Long.MIN_VALUE;
				if (!series.chunks().isEmpty()) {
					ChunkMeta meta = series.chunks().get(series.chunks().size() - 1);
					last.add(new TimedChunk(Block.this.chunks.chunk(meta.ref()), meta.minTime(), meta.maxTime()));
					newest = meta.maxTime();
				}
				AnnotationsFile.SeriesAnnotations held = annotations().series().get(ref);
				if (held == null) {
					return new SeriesChunks(series.labels(), last);
				}
				List<Exemplar> exemplars = held.exemplars().isEmpty() ? List.of()
						: List.of(held.exemplars().get(held.exemplars().size() - 1));
				long at = newest;
				List<CreatedRange> created = held.created().stream().filter(range -> range.contains(at)).toList();
				return new SeriesChunks(series.labels(), last, exemplars, created);
			}

		};
	}

	private SeriesChunks withAnnotations(SeriesChunks series, int ref, long mint, long maxt) {
		AnnotationsFile.SeriesAnnotations held = annotations().series().get(ref);
		if (held == null) {
			return series;
		}
		List<Exemplar> exemplars = held.exemplars()
			.stream()
			.filter(exemplar -> exemplar.timestamp() >= mint && exemplar.timestamp() <= maxt)
			.toList();
		List<CreatedRange> created = held.created().stream().filter(range -> range.overlaps(mint, maxt)).toList();
		return new SeriesChunks(series.labels(), series.chunks(), exemplars, created);
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
