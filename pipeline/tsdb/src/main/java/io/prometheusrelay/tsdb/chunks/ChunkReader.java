package io.prometheusrelay.tsdb.chunks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.tsdb.chunkenc.Chunk;
import io.prometheusrelay.tsdb.chunkenc.ChunkEncoding;
import io.prometheusrelay.tsdb.encoding.Decoder;
import io.prometheusrelay.tsdb.model.CorruptionException;

/**
 * Reads chunks from a block's {@code chunks/} directory, memory-mapped. Every chunk's checksum is
 * verified as it is read, so a flipped byte is found by the read that meets it.
 */
public final class ChunkReader implements AutoCloseable {

	private final List<ByteBuffer> files;

	private final long size;

	private ChunkReader(List<ByteBuffer> files, long size) {
		this.files = files;
		this.size = size;
	}

	/**
	 * Maps every segment file of {@code directory} and checks its header.
	 * @throws CorruptionException if a file is not a chunk file
	 */
	public static ChunkReader open(Path directory) throws IOException {
		List<ByteBuffer> files = new ArrayList<>();
		long size = 0;
		for (Path path : ChunkFiles.list(directory)) {
			try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
				if (channel.size() > Integer.MAX_VALUE) {
					throw new CorruptionException(path + " is larger than a chunk file can be: " + channel.size());
				}
				MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
				if (map.limit() < ChunkFiles.HEADER_BYTES || map.getInt(0) != ChunkFiles.MAGIC) {
					throw new CorruptionException(path + " is not a chunk file (bad magic number)");
				}
				if (map.get(4) != ChunkFiles.VERSION) {
					throw new CorruptionException(path + ": unknown chunk file version " + map.get(4));
				}
				files.add(map);
				size += channel.size();
			}
		}
		return new ChunkReader(files, size);
	}

	/** The chunk at {@code ref}, its checksum verified. */
	public Chunk chunk(long ref) {
		int sequence = (int) (ref >>> 32);
		int offset = (int) (ref & 0xFFFF_FFFFL);
		if (sequence < 0 || sequence >= this.files.size()) {
			throw new CorruptionException("Chunk reference " + Long.toHexString(ref) + " names file " + sequence + " of "
					+ this.files.size());
		}
		ByteBuffer file = this.files.get(sequence);
		Decoder in = new Decoder(file, offset, file.limit());
		int length = in.readUvarintInt();
		int encodingAt = in.position();
		int encoding = in.readByte();
		byte[] data = in.readBytes(length);
		Decoder.verifyCrc32c(file, encodingAt, encodingAt + 1 + length, "Chunk " + Long.toHexString(ref));
		return new Chunk(ChunkEncoding.of(encoding), data);
	}

	/** Bytes in the chunk files. */
	public long size() {
		return this.size;
	}

	@Override
	public void close() {
		// Mapped buffers are released by the garbage collector; nothing is held open.
	}

}
