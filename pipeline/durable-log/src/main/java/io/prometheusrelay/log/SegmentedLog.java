package io.prometheusrelay.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A log of records in segment files. One owner appends, forces, rolls and deletes, from one thread;
 * readers may read records concurrently, up to what was appended when they started.
 * <p>
 * No record is ever appended after a failed write or fsync in the same file: the segment is cut back
 * to what was last written whole (after a failed write) or forced (after a failed fsync, whose page
 * cache is not to be trusted), closed, and the next append starts a new segment. Opening the log cuts
 * a torn tail off each segment and skips, counting them, records whose checksum fails in the middle.
 */
public final class SegmentedLog implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SegmentedLog.class);

	private final LogOptions options;

	/** Segments by first sequence, the active one (if any) last. */
	private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

	private final LogRecovery recovery;

	private @Nullable LogSegment active;

	private @Nullable FileChannel channel;

	/** The active segment's length, and its last sequence, as last forced. */
	private long forcedLength;

	private long forcedSequence;

	private volatile long nextSequence;

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
		LogSegment segment = activeSegment();
		FileChannel out = this.channel;
		long first = this.nextSequence;
		ByteBuffer[] buffers = new ByteBuffer[payloads.size() * 2];
		long bytes = 0;
		for (int i = 0; i < payloads.size(); i++) {
			ByteBuffer payload = payloads.get(i).duplicate();
			buffers[2 * i] = LogFormat.recordHeader(first + i, payload);
			buffers[2 * i + 1] = payload;
			bytes += LogFormat.RECORD_HEADER_BYTES + payload.remaining();
		}
		long before = segment.size;
		try {
			while (buffers.length > 0 && buffers[buffers.length - 1].hasRemaining()) {
				out.write(buffers);
			}
		}
		catch (IOException ex) {
			cutOff(segment, before, segment.lastSequence);
			throw ex;
		}
		segment.size = before + bytes;
		segment.lastSequence = first + payloads.size() - 1;
		this.nextSequence = first + payloads.size();
		return first;
	}

	/**
	 * Forces what was appended to disk.
	 * @throws IOException if it could not: everything appended since the last force is cut off again,
	 * and the segment is closed
	 */
	public void force() throws IOException {
		LogSegment segment = this.active;
		FileChannel out = this.channel;
		if (segment == null || out == null || segment.size == this.forcedLength) {
			return;
		}
		try {
			out.force(false);
			this.forcedLength = segment.size;
			this.forcedSequence = segment.lastSequence;
		}
		catch (IOException ex) {
			cutOff(segment, this.forcedLength, this.forcedSequence);
			throw ex;
		}
	}

	/** Whether everything appended has been forced to disk. */
	public boolean isForced() {
		LogSegment segment = this.active;
		return segment == null || segment.size == this.forcedLength;
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
		for (LogSegment segment : this.segments.values()) {
			if (segment == this.active || segment.lastSequence >= sequence) {
				return;
			}
			this.segments.remove(segment.firstSequence);
			Files.deleteIfExists(segment.file);
		}
	}

	/**
	 * The records from {@code fromSequence} on, as far as they were appended when this is called,
	 * read segment by segment; a segment deleted meanwhile ends the reading.
	 */
	public Iterator<LogRecord> read(long fromSequence) {
		List<LogSegment> toRead = new ArrayList<>();
		Map.Entry<Long, LogSegment> floor = this.segments.floorEntry(fromSequence);
		if (floor != null) {
			toRead.add(floor.getValue());
		}
		toRead.addAll(this.segments.tailMap(fromSequence, false).values());
		return new LogIterator(toRead, this.options.magic(), fromSequence, this.nextSequence);
	}

	private LogSegment activeSegment() throws IOException {
		LogSegment segment = this.active;
		if (segment != null && segment.size < this.options.segmentMaxBytes()) {
			return segment;
		}
		closeActive();
		Path file = this.options.dir().resolve(LogFormat.fileName(this.nextSequence, this.options.suffix()));
		FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		try {
			ByteBuffer header = LogFormat.header(this.options.magic());
			while (header.hasRemaining()) {
				out.write(header);
			}
		}
		catch (IOException ex) {
			out.close();
			Files.deleteIfExists(file);
			throw ex;
		}
		segment = new LogSegment(file, this.nextSequence);
		segment.size = LogFormat.HEADER_BYTES;
		this.segments.put(segment.firstSequence, segment);
		this.active = segment;
		this.channel = out;
		this.forcedLength = LogFormat.HEADER_BYTES;
		this.forcedSequence = segment.lastSequence;
		return segment;
	}

	private void closeActive() throws IOException {
		LogSegment segment = this.active;
		FileChannel out = this.channel;
		if (segment == null || out == null) {
			return;
		}
		this.active = null;
		this.channel = null;
		try {
			out.force(false);
		}
		finally {
			out.close();
		}
		if (segment.lastSequence < segment.firstSequence) {
			this.segments.remove(segment.firstSequence);
			Files.deleteIfExists(segment.file);
		}
	}

	/**
	 * Cuts the segment back to {@code length}, through record {@code lastSequence}, and closes it:
	 * nothing is appended after a failure. The sequences cut off are not given out again.
	 */
	private void cutOff(LogSegment segment, long length, long lastSequence) {
		FileChannel out = this.channel;
		this.active = null;
		this.channel = null;
		long keptLength = Math.max(length, LogFormat.HEADER_BYTES);
		try {
			if (out != null) {
				out.truncate(keptLength);
				out.close();
			}
		}
		catch (IOException ex) {
			logger.warn("Log {}: could not cut {} back after a failure: {}", this.options.dir(),
					segment.file.getFileName(), ex.getMessage());
		}
		segment.size = keptLength;
		segment.lastSequence = lastSequence;
		if (keptLength == LogFormat.HEADER_BYTES) {
			segment.lastSequence = segment.firstSequence - 1;
			this.segments.remove(segment.firstSequence);
			try {
				Files.deleteIfExists(segment.file);
			}
			catch (IOException ex) {
				logger.warn("Log {}: could not delete {}: {}", this.options.dir(), segment.file.getFileName(),
						ex.getMessage());
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
