package io.prometheusrelay.tsdb.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.tsdb.chunks.ChunkMeta;
import io.prometheusrelay.tsdb.encoding.Encoder;
import io.prometheusrelay.tsdb.encoding.FileOutput;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Utf8Order;

/**
 * Writes a block's index, format v2, in one pass: the symbol table from every string the series'
 * labels use, then each series (in label order, 16-byte aligned) with its chunks, and on
 * {@link #close()} the label indices, the postings of every label pair, the two offset tables and the
 * table of contents. Postings are collected in memory as series are added: four bytes per label of
 * every series.
 */
public final class IndexWriter implements AutoCloseable {

	private final FileOutput out;

	private final Map<String, Integer> symbols = new HashMap<>();

	private final String[] symbolsInOrder;

	/** (name symbol << 32 | value symbol) to the references of the series that have that pair. */
	private final Map<Long, IntList> postings = new HashMap<>();

	private final IntList allSeries = new IntList();

	private final Encoder buffer = new Encoder(256);

	private final long symbolsOffset;

	/** Where the series section starts: right after the symbol table, before any padding. */
	private final long seriesOffset;

	private Labels lastLabels;

	private long lastChunkRef;

	private boolean finished;

	private IndexWriter(FileOutput out, String[] symbolsInOrder, long symbolsOffset, long seriesOffset) {
		this.out = out;
		this.seriesOffset = seriesOffset;
		this.symbolsInOrder = symbolsInOrder;
		this.symbolsOffset = symbolsOffset;
		for (int i = 0; i < symbolsInOrder.length; i++) {
			this.symbols.put(symbolsInOrder[i], i);
		}
	}

	/**
	 * Creates {@code file} and writes its header and symbol table.
	 * @param symbols every label name and value the series will use, in any order, repeats allowed
	 */
	public static IndexWriter create(Path file, Collection<String> symbols) throws IOException {
		String[] sorted = symbols.stream().distinct().sorted(Utf8Order.COMPARATOR).toArray(String[]::new);
		FileOutput out = FileOutput.create(file);
		try {
			Encoder header = new Encoder(8).putBE32(IndexFormat.MAGIC).putByte(IndexFormat.VERSION);
			out.write(header);
			long symbolsOffset = out.position();
			Encoder table = new Encoder(1024).putBE32(0).putBE32(sorted.length);
			for (String symbol : sorted) {
				table.putUvarintString(symbol);
			}
			table.setBE32(0, table.length() - 4);
			table.putCrc32cOfRange(4);
			out.write(table);
			return new IndexWriter(out, sorted, symbolsOffset, out.position());
		}
		catch (IOException | RuntimeException ex) {
			out.close();
			throw ex;
		}
	}

	/**
	 * Adds a series after the one added before it in label order, with its chunks in time order (their
	 * references increasing, across series too).
	 * @return the series' reference in the index
	 */
	public int addSeries(Labels labels, List<ChunkMeta> chunks) throws IOException {
		if (this.lastLabels != null && labels.compareTo(this.lastLabels) <= 0) {
			throw new IllegalArgumentException("Series out of order: " + labels + " after " + this.lastLabels);
		}
		checkChunks(labels, chunks);
		this.out.pad(IndexFormat.SERIES_ALIGNMENT);
		long reference = this.out.position() / IndexFormat.SERIES_ALIGNMENT;
		if (reference > 0xFFFF_FFFFL) {
			throw new IOException("Index too large: series reference " + reference + " passes 32 bits");
		}
		int ref = (int) reference;
		Encoder body = this.buffer;
		body.reset();
		body.putUvarint(labels.size());
		for (int i = 0; i < labels.size(); i++) {
			int name = symbol(labels.name(i));
			int value = symbol(labels.value(i));
			body.putUvarint(name).putUvarint(value);
			this.postings.computeIfAbsent(((long) name << 32) | value, key -> new IntList()).add(ref);
		}
		body.putUvarint(chunks.size());
		long previousMax = 0;
		long previousRef = 0;
		for (int i = 0; i < chunks.size(); i++) {
			ChunkMeta chunk = chunks.get(i);
			if (i == 0) {
				body.putVarint(chunk.minTime()).putUvarint(chunk.maxTime() - chunk.minTime()).putUvarint(chunk.ref());
			}
			else {
				body.putUvarint(chunk.minTime() - previousMax)
					.putUvarint(chunk.maxTime() - chunk.minTime())
					.putVarint(chunk.ref() - previousRef);
			}
			previousMax = chunk.maxTime();
			previousRef = chunk.ref();
		}
		Encoder length = new Encoder(10).putUvarint(body.length());
		this.out.write(length);
		body.putCrc32cOfRange(0);
		this.out.write(body);
		this.allSeries.add(ref);
		this.lastLabels = labels;
		return ref;
	}

	private void checkChunks(Labels labels, List<ChunkMeta> chunks) {
		long previousMax = Long.MIN_VALUE;
		for (ChunkMeta chunk : chunks) {
			if (Long.compareUnsigned(chunk.ref(), this.lastChunkRef) < 0) {
				throw new IllegalArgumentException("Chunk references must increase: " + labels);
			}
			if (chunk.maxTime() < chunk.minTime() || chunk.minTime() <= previousMax) {
				throw new IllegalArgumentException("Chunks of " + labels + " overlap or are out of order");
			}
			this.lastChunkRef = chunk.ref();
			previousMax = chunk.maxTime();
		}
	}

	private int symbol(String value) {
		Integer index = this.symbols.get(value);
		if (index == null) {
			throw new IllegalArgumentException("Not in the symbol table: " + value);
		}
		return index;
	}

	/** Writes the postings and tables, and forces the file to disk. */
	@Override
	public void close() throws IOException {
		if (this.finished) {
			return;
		}
		this.finished = true;
		try {
			long[] pairs = this.postings.keySet().stream().mapToLong(Long::longValue).toArray();
			Arrays.sort(pairs);
			long labelIndicesOffset = this.out.position();
			List<LabelIndexEntry> labelIndices = writeLabelIndices(pairs);
			this.out.pad(4);
			long postingsOffset = this.out.position();
			List<PostingsEntry> postingsEntries = writePostings(pairs);
			long labelOffsetTableOffset = this.out.position();
			writeLabelOffsetTable(labelIndices);
			long postingsOffsetTableOffset = this.out.position();
			writePostingsOffsetTable(postingsEntries);
			Encoder toc = new Encoder(IndexFormat.TOC_BYTES).putBE64(this.symbolsOffset)
				.putBE64(this.seriesOffset)
				.putBE64(labelIndicesOffset)
				.putBE64(labelOffsetTableOffset)
				.putBE64(postingsOffset)
				.putBE64(postingsOffsetTableOffset);
			toc.putCrc32cOfRange(0);
			this.out.write(toc);
			this.out.finish();
		}
		finally {
			this.out.close();
		}
	}

	/** One label index per name (Prometheus's readers no longer use them; its tools still list them). */
	private List<LabelIndexEntry> writeLabelIndices(long[] pairs) throws IOException {
		List<LabelIndexEntry> entries = new ArrayList<>();
		int i = 0;
		while (i < pairs.length) {
			int name = (int) (pairs[i] >>> 32);
			int end = i;
			while (end < pairs.length && (int) (pairs[end] >>> 32) == name) {
				end++;
			}
			this.out.pad(4);
			entries.add(new LabelIndexEntry(this.symbolsInOrder[name], this.out.position()));
			Encoder section = new Encoder(12 + 4 * (end - i)).putBE32(0).putBE32(1).putBE32(end - i);
			for (int j = i; j < end; j++) {
				section.putBE32((int) pairs[j]);
			}
			section.setBE32(0, section.length() - 4);
			section.putCrc32cOfRange(4);
			this.out.write(section);
			i = end;
		}
		return entries;
	}

	/** Every postings list, 4-byte aligned: first the list of all series, under the empty name and value. */
	private List<PostingsEntry> writePostings(long[] pairs) throws IOException {
		List<PostingsEntry> entries = new ArrayList<>(pairs.length + 1);
		entries.add(new PostingsEntry("", "", writePostingsList(this.allSeries)));
		for (long pair : pairs) {
			String name = this.symbolsInOrder[(int) (pair >>> 32)];
			String value = this.symbolsInOrder[(int) pair];
			entries.add(new PostingsEntry(name, value, writePostingsList(this.postings.get(pair))));
		}
		return entries;
	}

	private long writePostingsList(IntList refs) throws IOException {
		this.out.pad(4);
		long offset = this.out.position();
		Encoder section = new Encoder(12 + 4 * refs.size()).putBE32(0).putBE32(refs.size());
		for (int i = 0; i < refs.size(); i++) {
			section.putBE32(refs.get(i));
		}
		section.setBE32(0, section.length() - 4);
		section.putCrc32cOfRange(4);
		this.out.write(section);
		return offset;
	}

	private void writeLabelOffsetTable(List<LabelIndexEntry> entries) throws IOException {
		Encoder table = new Encoder(1024).putBE32(0).putBE32(entries.size());
		for (LabelIndexEntry entry : entries) {
			table.putUvarint(1).putUvarintString(entry.name()).putUvarint(entry.offset());
		}
		table.setBE32(0, table.length() - 4);
		table.putCrc32cOfRange(4);
		this.out.write(table);
	}

	private void writePostingsOffsetTable(List<PostingsEntry> entries) throws IOException {
		Encoder table = new Encoder(1024).putBE32(0).putBE32(entries.size());
		for (PostingsEntry entry : entries) {
			table.putUvarint(2).putUvarintString(entry.name()).putUvarintString(entry.value()).putUvarint(entry.offset());
		}
		table.setBE32(0, table.length() - 4);
		table.putCrc32cOfRange(4);
		this.out.write(table);
	}

	private record LabelIndexEntry(String name, long offset) {
	}

	private record PostingsEntry(String name, String value, long offset) {
	}

}
