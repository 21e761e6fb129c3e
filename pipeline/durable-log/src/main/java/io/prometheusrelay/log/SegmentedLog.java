package io.prometheusrelay.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.jspecify.annotations.Nullable;

/**
 * A log of records in segment files. One owner appends, forces, rolls and deletes, from one thread;
 * readers may read records concurrently, up to what was appended when they started.
 * <p>
 * No record is ever appended after a failed write or fsync in the same file: the segment is cut back
 * to what was last written whole and could be forced (after a failed write), or to what was last
 * forced (after a failed fsync, whose page cache is not to be trusted), closed, and the next append
 * starts a new segment. {@link #durableThrough()} says how far the log is on disk. Opening the log
 * cuts a torn tail off each segment and skips, counting them, records whose checksum fails in the
 * middle.
 */
public final class SegmentedLog implements AutoCloseable {

	private final LogOptions options;

	/** Segments by first sequence, the active one (if any) last. */
	private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

	private final LogRecovery recovery;

	private @Nullable ActiveSegment active;

	private volatile long nextSequence;

	/** The last sequence known to be on disk (forced, or found there at opening). */
	private volatile long durableThrough;

	private SegmentedLog(LogOptions options) throws IOException {
		this.options = options;
		Files.createDirectories(options.dir());
		this.recovery = recover();
	}

	/** Opens the log in its directory, mending what a crash left. */
	public static SegmentedLog open(LogOptions options) throws IOException {
		return new SegmentedLog(options);
	}

	private LogRecovery recover() throws IOException {
		SegmentRecovery recovered = SegmentRecovery.run(this.options, list());
		recovered.segments().forEach(segment -> this.segments.put(segment.firstSequence, segment));
		this.nextSequence = recovered.nextSequence();
		this.durableThrough = recovered.nextSequence() - 1;
		return recovered.report();
	}

	public LogRecovery recovery() {
		return this.recovery;
	}

	/** The sequence the next record will get. */
	public long nextSequence() {
		return this.nextSequence;
	}

	/**
	 * Numbers the next record {@code sequence} at least. The segments say where numbering stands only
	 * while one is left: an owner whose checkpoint covers every record deleted (all of them, possibly)
	 * calls this on opening, so that no sequence the checkpoint covers is given out again.
	 */
	public void advanceTo(long sequence) {
		if (sequence > this.nextSequence) {
			this.nextSequence = sequence;
		}
	}

	/** The first sequence still held, or {@link #nextSequence()} when the log is empty. */
	public long firstSequence() {
		Map.Entry<Long, LogSegment> first = this.segments.firstEntry();
		return (first != null) ? first.getKey() : this.nextSequence;
	}

	/** Bytes in every segment file. */
	public long sizeBytes() {
		return this.segments.values().stream().mapToLong(segment -> segment.size).sum();
	}

	public int segmentCount() {
		return this.segments.size();
	}

	/**
	 * Appends the payloads as consecutive records with one write, starting a new segment first if the
	 * active one is full or was cut off.
	 * @return the sequence of the first
	 * @throws IOException if the write failed: none of them is in the log, and the segment is closed
	 */
	public long append(List<ByteBuffer> payloads) throws IOException {
		List<ByteBuffer[]> records = new ArrayList<>(payloads.size());
		payloads.forEach(payload -> records.add(new ByteBuffer[] { payload }));
		return appendRecords(records);
	}

	/**
	 * As {@link #append}, for records whose payloads are in parts (a header of the owner's, then a
	 * batch as it came): each record's parts are written one after the other, without copying them.
	 */
	public long appendRecords(List<ByteBuffer[]> records) throws IOException {
		ActiveSegment segment = activeSegment();
		long first = this.nextSequence;
		List<ByteBuffer> gathered = new ArrayList<>(records.size() * 3);
		long bytes = 0;
		for (int i = 0; i < records.size(); i++) {
			ByteBuffer[] parts = records.get(i).clone();
			for (int p = 0; p < parts.length; p++) {
				parts[p] = parts[p].duplicate();
			}
			ByteBuffer header = LogFormat.recordHeader(first + i, parts);
			gathered.add(header);
			bytes += LogFormat.RECORD_HEADER_BYTES + (header.getInt(0) & 0xFFFFFFFFL);
			gathered.addAll(List.of(parts));
		}
		try {
			segment.write(gathered.toArray(ByteBuffer[]::new), bytes, first + records.size() - 1);
		}
		catch (IOException ex) {
			failed(segment);
			throw ex;
		}
		this.nextSequence = first + records.size();
		return first;
	}

	/**
	 * Forces what was appended to disk.
	 * @throws IOException if it could not: everything appended since the last force is cut off again,
	 * and the segment is closed
	 */
	public void force() throws IOException {
		ActiveSegment segment = this.active;
		if (segment == null) {
			return;
		}
		try {
			if (segment.force()) {
				this.durableThrough = Math.max(this.durableThrough, segment.forcedSequence());
			}
		}
		catch (IOException ex) {
			failed(segment);
			throw ex;
		}
	}

	/** After a failure the segment closed itself: keep what it kept; the next append starts a new one. */
	private void failed(ActiveSegment segment) {
		this.active = null;
		this.durableThrough = Math.max(this.durableThrough, segment.forcedSequence());
		if (segment.isEmpty()) {
			this.segments.remove(segment.segment.firstSequence);
		}
	}

	/**
	 * The last sequence known to be on disk: forced, or found at opening. Records after it were
	 * written but not forced, or were cut off after a failure.
	 */
	public long durableThrough() {
		return this.durableThrough;
	}

	/** Whether everything appended has been forced to disk. */
	public boolean isForced() {
		ActiveSegment segment = this.active;
		return segment == null || segment.isForced();
	}

	/**
	 * Closes the active segment (forced), so that the next append starts a new one.
	 * @return the sequence the next segment will start with
	 */
	public long roll() throws IOException {
		closeActive();
		return this.nextSequence;
	}

	/** Deletes every closed segment whose records all come before {@code sequence}. */
	public void deleteBefore(long sequence) throws IOException {
		ActiveSegment current = this.active;
		for (LogSegment segment : this.segments.values()) {
			if ((current != null && segment == current.segment) || segment.lastSequence >= sequence) {
				return;
			}
			// The file first: a segment whose delete failed stays listed, and is deleted next time.
			Files.deleteIfExists(segment.file);
			this.segments.remove(segment.firstSequence);
		}
	}

	/**
	 * The records from {@code fromSequence} on, as far as they were appended when this is called,
	 * read segment by segment; a segment deleted meanwhile ends the reading. Close it when done with
	 * it before its end.
	 */
	public LogReader read(long fromSequence) {
		List<LogSegment> toRead = new ArrayList<>();
		Map.Entry<Long, LogSegment> floor = this.segments.floorEntry(fromSequence);
		if (floor != null) {
			toRead.add(floor.getValue());
		}
		toRead.addAll(this.segments.tailMap(fromSequence, false).values());
		return new LogReader(toRead, this.options.magic(), fromSequence, this.nextSequence);
	}

	/** The segments, oldest first: the sequences and bytes each holds, for an owner's retention. */
	public List<SegmentInfo> segments() {
		List<SegmentInfo> infos = new ArrayList<>(this.segments.size());
		ActiveSegment current = this.active;
		for (LogSegment segment : this.segments.values()) {
			infos.add(new SegmentInfo(segment.firstSequence, segment.lastSequence, segment.size,
					current != null && segment == current.segment));
		}
		return infos;
	}

	private ActiveSegment activeSegment() throws IOException {
		ActiveSegment segment = this.active;
		if (segment != null && segment.segment.size < this.options.segmentMaxBytes()) {
			return segment;
		}
		closeActive();
		segment = ActiveSegment.create(this.options, this.nextSequence);
		this.segments.put(segment.segment.firstSequence, segment.segment);
		this.active = segment;
		return segment;
	}

	private void closeActive() throws IOException {
		ActiveSegment segment = this.active;
		if (segment == null) {
			return;
		}
		this.active = null;
		try {
			segment.close();
		}
		finally {
			this.durableThrough = Math.max(this.durableThrough, segment.forcedSequence());
			if (segment.isEmpty()) {
				this.segments.remove(segment.segment.firstSequence);
			}
		}
	}

	private List<Path> list() throws IOException {
		List<Path> files = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.options.dir(),
				entry -> LogFormat.isSegment(entry.getFileName().toString(), this.options.suffix()))) {
			entries.forEach(files::add);
		}
		files.sort(null);
		return files;
	}

	@Override
	public void close() throws IOException {
		closeActive();
	}

}
