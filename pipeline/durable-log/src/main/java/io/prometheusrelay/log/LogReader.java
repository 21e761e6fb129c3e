package io.prometheusrelay.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.jspecify.annotations.Nullable;

/**
 * Reads a log's records from one sequence up to (not including) another, segment by segment; a
 * segment deleted meanwhile ends the reading. Closing it before the end closes the file it has open.
 */
public final class LogReader implements Iterator<LogRecord>, AutoCloseable {

	private final List<LogSegment> segments;

	private final int magic;

	private final long from;

	private final long until;

	private int index;

	private @Nullable SegmentReader reader;

	private @Nullable LogRecord next;

	LogReader(List<LogSegment> segments, int magic, long from, long until) {
		this.segments = segments;
		this.magic = magic;
		this.from = from;
		this.until = until;
	}

	@Override
	public boolean hasNext() {
		try {
			while (this.next == null) {
				SegmentReader current = this.reader;
				if (current == null) {
					if (this.index == this.segments.size()) {
						return false;
					}
					LogSegment segment = this.segments.get(this.index++);
					if (!Files.exists(segment.file)) {
						return false;
					}
					current = new SegmentReader(segment.file, this.magic);
					this.reader = current;
				}
				LogRecord record = current.next();
				if (record == null || record.sequence() >= this.until) {
					current.close();
					this.reader = null;
					if (record != null) {
						this.index = this.segments.size();
					}
				}
				else if (record.sequence() >= this.from) {
					this.next = record;
				}
			}
			return true;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		SegmentReader current = this.reader;
		this.reader = null;
		this.index = this.segments.size();
		if (current != null) {
			try {
				current.close();
			}
			catch (IOException ex) {
				// Read only: nothing to lose.
			}
		}
	}

	@Override
	public LogRecord next() {
		if (!hasNext()) {
			throw new NoSuchElementException();
		}
		LogRecord record = this.next;
		this.next = null;
		return record;
	}

}
