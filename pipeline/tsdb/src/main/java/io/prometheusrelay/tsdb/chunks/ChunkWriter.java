package io.prometheusrelay.tsdb.chunks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import io.prometheusrelay.tsdb.chunkenc.Chunk;
import io.prometheusrelay.tsdb.encoding.Encoder;

/**
 * Writes chunks into a block's {@code chunks/} directory, in the order the index will refer to them:
 * each as its length (uvarint), encoding byte, data and the CRC32C of encoding and data. A new file
 * starts when the current one would pass 512 MiB. {@link #close()} forces every file to disk.
 */
public final class ChunkWriter implements AutoCloseable {

	private static final int BUFFER_BYTES = 1 << 20;

	private final Path directory;

	private final long maxFileBytes;

	private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);

	private final Encoder head = new Encoder(16);

	private final CRC32C crc = new CRC32C();

	private FileChannel file;

	private int sequence = -1;

	private long position;

	private long bytesWritten;

	public ChunkWriter(Path directory) throws IOException {
		this(directory, ChunkFiles.MAX_FILE_BYTES);
	}

	ChunkWriter(Path directory, long maxFileBytes) throws IOException {
		this.directory = Files.createDirectories(directory);
		this.maxFileBytes = maxFileBytes;
	}

	/** Writes {@code chunk}; its samples span [minTime, maxTime]. */
	public ChunkMeta write(Chunk chunk, long minTime, long maxTime) throws IOException {
		byte[] data = chunk.data();
		this.head.reset();
		this.head.putUvarint(data.length).putByte(chunk.encoding().code());
		long size = this.head.length() + data.length + 4L;
		if (this.file == null || this.position + size > this.maxFileBytes) {
			cut();
		}
		long ref = ChunkMeta.ref(this.sequence, this.position);
		put(this.head.array(), 0, this.head.length());
		put(data, 0, data.length);
		this.crc.reset();
		this.crc.update(chunk.encoding().code());
		this.crc.update(data, 0, data.length);
		flushIfFull(4);
		this.buffer.putInt((int) this.crc.getValue());
		this.position += size;
		this.bytesWritten += size;
		return new ChunkMeta(ref, minTime, maxTime);
	}

	/** Bytes in the files so far, headers included. */
	public long bytesWritten() {
		return this.bytesWritten;
	}

	private void cut() throws IOException {
		finishFile();
		this.sequence++;
		Path path = this.directory.resolve(ChunkFiles.name(this.sequence + 1));
		this.file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		this.buffer.putInt(ChunkFiles.MAGIC).put((byte) ChunkFiles.VERSION).put(new byte[3]);
		this.position = ChunkFiles.HEADER_BYTES;
		this.bytesWritten += ChunkFiles.HEADER_BYTES;
	}

	private void put(byte[] bytes, int offset, int length) throws IOException {
		while (length > 0) {
			flushIfFull(1);
			int n = Math.min(length, this.buffer.remaining());
			this.buffer.put(bytes, offset, n);
			offset += n;
			length -= n;
		}
	}

	private void flushIfFull(int needed) throws IOException {
		if (this.buffer.remaining() < needed) {
			flush();
		}
	}

	private void flush() throws IOException {
		this.buffer.flip();
		while (this.buffer.hasRemaining()) {
			this.file.write(this.buffer);
		}
		this.buffer.clear();
	}

	private void finishFile() throws IOException {
		if (this.file != null) {
			flush();
			this.file.force(true);
			this.file.close();
			this.file = null;
		}
	}

	@Override
	public void close() throws IOException {
		if (this.file == null && this.sequence < 0) {
			// A block without chunks still has a chunks/ directory, and Prometheus's writer always
			// leaves one file in it.
			cut();
		}
		finishFile();
	}

}
