package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** The segment being appended to. Used by the store's writer thread only. */
final class ActiveSegment implements AutoCloseable {

	private final Path path;

	private final Instant createdAt;

	private final FileChannel channel;

	private long size;

	private boolean dirty;

	private ActiveSegment(Path path, Instant createdAt, FileChannel channel, long size) {
		this.path = path;
		this.createdAt = createdAt;
		this.channel = channel;
		this.size = size;
	}

	static ActiveSegment create(Path path, Instant createdAt) throws IOException {
		FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		writeFully(channel, new ByteBuffer[] { ByteBuffer.wrap(SegmentFormat.HEADER) });
		channel.force(true);
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
		force();
		this.channel.close();
	}

}
