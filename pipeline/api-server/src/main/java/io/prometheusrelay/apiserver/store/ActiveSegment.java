package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** The segment being appended to. Used by the store's writer thread only. */
final class ActiveSegment implements AutoCloseable {

	private final Path path;

	private final Instant createdAt;

	private final FileChannel channel;

	private long size;

	private boolean dirty;

	private boolean failed;

	private ActiveSegment(Path path, Instant createdAt, FileChannel channel, long size) {
		this.path = path;
		this.createdAt = createdAt;
		this.channel = channel;
		this.size = size;
	}

	/**
	 * Creates the file and writes its header. A failure (a full disk) leaves neither the file nor an
	 * open descriptor behind, however often the roll is retried.
	 */
	static ActiveSegment create(Path path, Instant createdAt, SegmentChannels channels) throws IOException {
		FileChannel channel = channels.create(path);
		try {
			writeFully(channel, new ByteBuffer[] { ByteBuffer.wrap(SegmentFormat.HEADER) });
			channel.force(true);
		}
		catch (IOException ex) {
			closeQuietly(channel);
			Files.deleteIfExists(path);
			throw ex;
		}
		return new ActiveSegment(path, createdAt, channel, SegmentFormat.HEADER.length);
	}

	/**
	 * Appends records, all or nothing: after a failed write the file is cut back to where it was, so a
	 * half-written record never sits in front of later ones.
	 */
	void append(ByteBuffer[] records) throws IOException {
		long before = this.size;
		try {
			this.size += writeFully(this.channel, records);
			this.dirty = true;
		}
		catch (IOException ex) {
			this.channel.truncate(before);
			this.channel.position(before);
			this.size = before;
			throw ex;
		}
	}

	private static long writeFully(FileChannel channel, ByteBuffer[] buffers) throws IOException {
		long written = 0;
		int first = 0;
		while (first < buffers.length) {
			written += channel.write(buffers, first, buffers.length - first);
			while (first < buffers.length && !buffers[first].hasRemaining()) {
				first++;
			}
		}
		return written;
	}

	/**
	 * After a failed write or fsync: cuts the records since {@code validLength} off (what an fsync
	 * failure left in the page cache is not to be trusted) and closes the file for good. The store
	 * then appends to a new segment, so nothing ever follows a failed write in a file.
	 */
	void abandon(long validLength) {
		this.failed = true;
		try {
			this.channel.truncate(validLength);
			this.size = validLength;
		}
		catch (IOException ex) {
			// Recovery cuts the rest at the next start, as a torn tail.
		}
		this.dirty = false;
		closeQuietly(this.channel);
	}

	boolean isFailed() {
		return this.failed;
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Nothing more to lose.
		}
	}

	/** Forces appended records to disk, if any were appended since the last force. */
	boolean force() throws IOException {
		if (!this.dirty) {
			return false;
		}
		this.channel.force(false);
		this.dirty = false;
		return true;
	}

	Path path() {
		return this.path;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	long size() {
		return this.size;
	}

	boolean isEmpty() {
		return this.size == SegmentFormat.HEADER.length;
	}

	@Override
	public void close() throws IOException {
		if (this.failed) {
			return;
		}
		force();
		this.channel.close();
	}

}
