package io.prometheusrelay.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment a log appends to: its open file, and how much of it was last forced to disk. After a
 * failed write or fsync it cuts itself back to what it can trust and closes; a segment cut back to
 * nothing deletes its file. The log's owner thread only.
 */
final class ActiveSegment {

	private static final Logger logger = LoggerFactory.getLogger(ActiveSegment.class);

	final LogSegment segment;

	private final FileChannel channel;

	/** The length and last sequence as last forced. */
	private long forcedLength;

	private long forcedSequence;

	private ActiveSegment(LogSegment segment, FileChannel channel) {
		this.segment = segment;
		this.channel = channel;
		this.forcedLength = segment.size;
		this.forcedSequence = segment.lastSequence;
	}

	/** Creates the segment file for records from {@code firstSequence} on, with its header. */
	static ActiveSegment create(LogOptions options, long firstSequence) throws IOException {
		Path file = options.dir().resolve(LogFormat.fileName(firstSequence, options.suffix()));
		FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		try {
			ByteBuffer header = LogFormat.header(options.magic());
			while (header.hasRemaining()) {
				out.write(header);
			}
			// The new file's directory entry must survive a crash as its records do.
			AtomicFile.forceDirectory(options.dir());
		}
		catch (IOException ex) {
			out.close();
			Files.deleteIfExists(file);
			throw ex;
		}
		LogSegment segment = new LogSegment(file, firstSequence);
		segment.size = LogFormat.HEADER_BYTES;
		return new ActiveSegment(segment, out);
	}

	/**
	 * Writes {@code bytes} from {@code buffers}, records through {@code lastSequence}.
	 * @throws IOException if the write failed: the segment then keeps what was written before it if
	 * that can be forced (else what was forced before), and is closed
	 */
	void write(ByteBuffer[] buffers, long bytes, long lastSequence) throws IOException {
		long before = this.segment.size;
		try {
			for (long written = 0; written < bytes;) {
				written += this.channel.write(buffers);
			}
		}
		catch (IOException ex) {
			if (before > this.forcedLength && tryForce(before, this.segment.lastSequence)) {
				cutOff(before, this.segment.lastSequence);
			}
			else {
				cutOff(this.forcedLength, this.forcedSequence);
			}
			throw ex;
		}
		this.segment.size = before + bytes;
		this.segment.lastSequence = lastSequence;
	}

	/**
	 * Forces what was written.
	 * @return whether there was anything to force
	 * @throws IOException if it could not: what was written since the last force is cut off, and the
	 * segment closed
	 */
	boolean force() throws IOException {
		if (isForced()) {
			return false;
		}
		try {
			this.channel.force(false);
		}
		catch (IOException ex) {
			cutOff(this.forcedLength, this.forcedSequence);
			throw ex;
		}
		this.forcedLength = this.segment.size;
		this.forcedSequence = this.segment.lastSequence;
		return true;
	}

	boolean isForced() {
		return this.segment.size == this.forcedLength;
	}

	long forcedSequence() {
		return this.forcedSequence;
	}

	/** Forces and closes the file; a segment without a record deletes it. */
	void close() throws IOException {
		try {
			force();
		}
		finally {
			this.channel.close();
		}
		if (isEmpty()) {
			Files.deleteIfExists(this.segment.file);
		}
	}

	boolean isEmpty() {
		return this.segment.lastSequence < this.segment.firstSequence;
	}

	private void closeQuietly() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			logger.warn("Log segment {}: close failed: {}", this.segment.file.getFileName(), ex.getMessage());
		}
	}

	private boolean tryForce(long length, long lastSequence) {
		try {
			this.channel.truncate(length);
			this.channel.force(false);
			this.forcedLength = length;
			this.forcedSequence = lastSequence;
			return true;
		}
		catch (IOException ex) {
			logger.warn("Log segment {}: could not force after a failed write: {}", this.segment.file.getFileName(),
					ex.getMessage());
			return false;
		}
	}

	/**
	 * Cuts the file back to {@code length}, through record {@code lastSequence}, and closes it:
	 * nothing is appended after a failure.
	 */
	private void cutOff(long length, long lastSequence) {
		long keptLength = Math.max(length, LogFormat.HEADER_BYTES);
		try {
			this.channel.truncate(keptLength);
		}
		catch (IOException ex) {
			logger.warn("Log segment {}: could not cut back after a failure: {}", this.segment.file.getFileName(),
					ex.getMessage());
		}
		finally {
			closeQuietly();
		}
		this.segment.size = keptLength;
		this.segment.lastSequence = (keptLength == LogFormat.HEADER_BYTES) ? this.segment.firstSequence - 1 : lastSequence;
		if (isEmpty()) {
			try {
				Files.deleteIfExists(this.segment.file);
			}
			catch (IOException ex) {
				logger.warn("Log segment {}: could not delete: {}", this.segment.file.getFileName(), ex.getMessage());
			}
		}
	}

}
