package io.prometheusrelay.tsdb.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.prometheusrelay.tsdb.chunks.ChunkMeta;
import io.prometheusrelay.tsdb.encoding.Decoder;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.Labels;

/**
 * Reads an index file, format v2, from a memory map. Opening checks the table of contents, the symbol
 * table and the postings offset table against their checksums and keeps, per label name, where each
 * value's postings are (12 bytes a pair); series and postings lists are checked as they are read.
 */
public final class IndexReader implements PostingsIndex {

	private final ByteBuffer file;

	private final String name;

	/** Where each symbol's length-prefixed bytes are. */
	private final int[] symbolOffsets;

	/** Label name to its values' postings, values in order; the empty name holds all series. */
	private final Map<String, PostingsTableEntries> postingsTable;

	private IndexReader(ByteBuffer file, String name) {
		this.file = file;
		this.name = name;
		if (file.limit() < IndexFormat.HEADER_BYTES + IndexFormat.TOC_BYTES) {
			throw corrupt("too short for an index (" + file.limit() + " bytes)");
		}
		if (file.getInt(0) != IndexFormat.MAGIC) {
			throw corrupt("not an index (bad magic number)");
		}
		if (file.get(4) != IndexFormat.VERSION) {
			throw corrupt("index format version " + file.get(4) + "; only version 2 is read");
		}
		int toc = file.limit() - IndexFormat.TOC_BYTES;
		verify(toc, toc + 48, "table of contents");
		long symbolsOffset = file.getLong(toc);
		long postingsTableOffset = file.getLong(toc + 40);
		this.symbolOffsets = readSymbolTable(checkedOffset(symbolsOffset));
		this.postingsTable = readPostingsTable(checkedOffset(postingsTableOffset));
	}

	public static IndexReader open(Path path) throws IOException {
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
			if (channel.size() > Integer.MAX_VALUE) {
				throw new CorruptionException(path + ": indexes over 2 GiB are not read here (" + channel.size() + ")");
			}
			return new IndexReader(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()), path.toString());
		}
	}

	/** Bytes in the index file. */
	public long size() {
		return this.file.limit();
	}

	public int symbolCount() {
		return this.symbolOffsets.length;
	}

	/**
	 * Symbol {@code index}, decoded from the mapped file each time: a block's symbols stay out of the
	 * heap, which would otherwise grow with every series a block ever held.
	 */
	public String symbol(int index) {
		if (index < 0 || index >= this.symbolOffsets.length) {
			throw corrupt("symbol " + Integer.toUnsignedString(index) + " of " + this.symbolOffsets.length);
		}
		return new Decoder(this.file, this.symbolOffsets[index], this.file.limit()).readUvarintString();
	}

	/** Label names, in order. */
	public List<String> labelNames() {
		return this.postingsTable.keySet().stream().filter(name -> !name.isEmpty()).toList();
	}

	/** The values {@code name} has in some series, in order. */
	public List<String> labelValues(String name) {
		PostingsTableEntries entries = this.postingsTable.get(name);
		if (entries == null) {
			return List.of();
		}
		List<String> values = new ArrayList<>(entries.size());
		for (int i = 0; i < entries.size(); i++) {
			values.add(entries.value(i));
		}
		return values;
	}

	/** Every series, in label order. */
	@Override
	public Postings allPostings() {
		return postings("", "");
	}

	/** The series that have label {@code name} with {@code value}. */
	@Override
	public Postings postings(String name, String value) {
		PostingsTableEntries entries = this.postingsTable.get(name);
		if (entries == null) {
			return Postings.EMPTY;
		}
		int i = entries.find(value.getBytes(StandardCharsets.UTF_8));
		return (i < 0) ? Postings.EMPTY : readPostings(entries.postingsOffset(i));
	}

	/** The series that have label {@code name} with a value {@code matches} accepts. */
	@Override
	public Postings postingsMatching(String name, Predicate<String> matches) {
		PostingsTableEntries entries = this.postingsTable.get(name);
		if (entries == null) {
			return Postings.EMPTY;
		}
		List<Postings> selected = new ArrayList<>();
		for (int i = 0; i < entries.size(); i++) {
			if (matches.test(entries.value(i))) {
				selected.add(readPostings(entries.postingsOffset(i)));
			}
		}
		return selected.isEmpty() ? Postings.EMPTY : Postings.unionAll(selected);
	}

	/** The series at {@code ref}: its labels and chunks, its checksum verified. */
	public IndexSeries series(int ref) {
		long offset = Integer.toUnsignedLong(ref) * IndexFormat.SERIES_ALIGNMENT;
		Decoder in = new Decoder(this.file, checkedOffset(offset), this.file.limit());
		int length = in.readUvarintInt();
		int start = in.position();
		verify(start, start + length, "series " + Integer.toUnsignedString(ref));
		int labelCount = in.readUvarintInt();
		String[] pairs = new String[labelCount * 2];
		for (int i = 0; i < pairs.length; i++) {
			pairs[i] = symbol((int) in.readUvarint());
		}
		int chunkCount = in.readUvarintInt();
		List<ChunkMeta> chunks = new ArrayList<>(chunkCount);
		long maxTime = 0;
		long ref0 = 0;
		for (int i = 0; i < chunkCount; i++) {
			long minTime = (i == 0) ? in.readVarint() : maxTime + in.readUvarint();
			maxTime = minTime + in.readUvarint();
			ref0 = (i == 0) ? in.readUvarint() : ref0 + in.readVarint();
			chunks.add(new ChunkMeta(ref0, minTime, maxTime));
		}
		if (in.position() != start + length) {
			throw corrupt("series " + Integer.toUnsignedString(ref) + " is " + length + " bytes but holds "
					+ (in.position() - start));
		}
		try {
			return new IndexSeries(Labels.ofSortedPairs(pairs), chunks);
		}
		catch (IllegalArgumentException ex) {
			throw corrupt("series " + Integer.toUnsignedString(ref) + ": " + ex.getMessage());
		}
	}

	private Postings readPostings(long offset) {
		int start = checkedOffset(offset);
		Decoder in = new Decoder(this.file, start, this.file.limit());
		int length = in.readBE32();
		verify(start + 4, start + 4 + length, "postings at " + offset);
		int count = in.readBE32();
		if (count < 0 || count * 4L != length - 4L) {
			throw corrupt("postings at " + offset + " claim " + count + " series in " + length + " bytes");
		}
		int[] refs = new int[count];
		for (int i = 0; i < count; i++) {
			refs[i] = in.readBE32();
			if (i > 0 && Integer.compareUnsigned(refs[i], refs[i - 1]) <= 0) {
				throw corrupt("postings at " + offset + " are not sorted");
			}
		}
		return Postings.ofSorted(refs);
	}

	private int[] readSymbolTable(int offset) {
		Decoder in = new Decoder(this.file, offset, this.file.limit());
		int length = in.readBE32();
		verify(offset + 4, offset + 4 + length, "symbol table");
		int count = in.readBE32();
		if (count < 0 || count > length) {
			throw corrupt("symbol table claims " + count + " symbols in " + length + " bytes");
		}
		int[] offsets = new int[count];
		for (int i = 0; i < count; i++) {
			offsets[i] = in.position();
			in.skip(in.readUvarintInt());
		}
		return offsets;
	}

	private Map<String, PostingsTableEntries> readPostingsTable(int offset) {
		Decoder in = new Decoder(this.file, offset, this.file.limit());
		int length = in.readBE32();
		verify(offset + 4, offset + 4 + length, "postings offset table");
		int count = in.readBE32();
		Map<String, PostingsTableEntries> table = new LinkedHashMap<>();
		String currentName = null;
		PostingsTableEntries current = null;
		for (int i = 0; i < count; i++) {
			if (in.readUvarint() != 2) {
				throw corrupt("postings offset table entry " + i + " has no name and value");
			}
			String name = in.readUvarintString();
			int valueOffset = in.position();
			in.skip(in.readUvarintInt());
			long postingsOffset = in.readUvarint();
			if (!name.equals(currentName)) {
				current = new PostingsTableEntries(this.file);
				currentName = name;
				if (table.put(name, current) != null) {
					throw corrupt("postings offset table is not sorted by label name (" + name + ")");
				}
			}
			current.add(valueOffset, postingsOffset);
		}
		return table;
	}

	private int checkedOffset(long offset) {
		if (offset < IndexFormat.HEADER_BYTES || offset >= this.file.limit()) {
			throw corrupt("offset " + offset + " is outside the file");
		}
		return (int) offset;
	}

	private void verify(int from, int to, String what) {
		try {
			Decoder.verifyCrc32c(this.file, from, to, what);
		}
		catch (CorruptionException ex) {
			throw corrupt(ex.getMessage());
		}
	}

	private CorruptionException corrupt(String problem) {
		return new CorruptionException(this.name + ": " + problem);
	}

}
