package io.prometheusrelay.tsdb.encoding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A new file written front to back through a buffer, that knows its position (sections refer to
 * each other by offset) and pads to an alignment. {@link #finish()} forces it to disk.
 */
public final class FileOutput implements AutoCloseable {

	private final FileChannel channel;

	private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);

	private long position;

	private FileOutput(FileChannel channel) {
		this.channel = channel;
	}

	public static FileOutput create(Path path) throws IOException {
		return new FileOutput(FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
	}

	public long position() {
		return this.position;
	}

	public void write(Encoder encoder) throws IOException {
		write(encoder.array(), 0, encoder.length());
	}

	public void write(byte[] bytes, int offset, int length) throws IOException {
		while (length > 0) {
			if (!this.buffer.hasRemaining()) {
				flush();
			}
			int n = Math.min(length, this.buffer.remaining());
			this.buffer.put(bytes, offset, n);
			offset += n;
			length -= n;
			this.position += n;
		}
	}

	/** Zero bytes up to the next multiple of {@code alignment}. */
	public void pad(int alignment) throws IOException {
		int padding = (int) ((alignment - this.position % alignment) % alignment);
		write(new byte[padding], 0, padding);
	}

	/** Writes what is buffered and forces the file to disk. */
	public void finish() throws IOException {
		flush();
		this.channel.force(true);
	}

	private void flush() throws IOException {
		this.buffer.flip();
		while (this.buffer.hasRemaining()) {
			this.channel.write(this.buffer);
		}
		this.buffer.clear();
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

}
