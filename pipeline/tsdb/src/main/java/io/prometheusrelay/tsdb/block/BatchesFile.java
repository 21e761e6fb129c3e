package io.prometheusrelay.tsdb.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.prometheusrelay.log.AtomicFile;
import io.prometheusrelay.tsdb.encoding.Decoder;
import io.prometheusrelay.tsdb.encoding.Encoder;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.StoredBatch;

/**
 * {@code relay-batches}, a file of this project's beside a block's own: the batches whose newest
 * sample lies in the block, with their extent and when they were stored, so that a batch delivered
 * again after its samples were compacted is still recognised, for as long as retention keeps them.
 * Prometheus's tools ignore it.
 *
 * <pre>
 * magic:u32 version:u8 count:uvarint (id:16 bytes minTime:varint maxTime:varint storedAt:varint)... crc32c:u32
 * </pre>
 */
public final class BatchesFile {

	public static final String NAME = "relay-batches";

	private static final int MAGIC = 0x50524241;

	private static final int VERSION = 1;

	private BatchesFile() {
	}

	static void write(Path block, Map<BatchId, StoredBatch> batches) throws IOException {
		Encoder out = new Encoder(16 + batches.size() * 40);
		out.putBE32(MAGIC).putByte(VERSION).putUvarint(batches.size());
		batches.values()
			.forEach(batch -> out.putBE64(batch.id().high())
				.putBE64(batch.id().low())
				.putVarint(batch.minTime())
				.putVarint(batch.maxTime())
				.putVarint(batch.storedAt()));
		out.putCrc32cOfRange(0);
		AtomicFile.write(block.resolve(NAME), out.toByteArray());
	}

	/** The batches of {@code block}; none when it has no such file (a block Prometheus wrote). */
	public static Map<BatchId, StoredBatch> read(Path block) throws IOException {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(block.resolve(NAME));
		}
		catch (NoSuchFileException ex) {
			return Map.of();
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		if (bytes.length < 9) {
			throw new CorruptionException(block.resolve(NAME) + " is too short");
		}
		Decoder.verifyCrc32c(buffer, 0, bytes.length - 4, block.resolve(NAME).toString());
		Decoder in = new Decoder(buffer, 0, bytes.length - 4);
		if (in.readBE32() != MAGIC || in.readByte() != VERSION) {
			throw new CorruptionException(block.resolve(NAME) + " is not a batches file of this version");
		}
		int count = in.readUvarintInt();
		if (count > in.remaining()) {
			throw new CorruptionException(block.resolve(NAME) + " claims " + count + " batches");
		}
		Map<BatchId, StoredBatch> batches = new HashMap<>(count * 2);
		for (int i = 0; i < count; i++) {
			BatchId id = new BatchId(in.readBE64(), in.readBE64());
			batches.put(id, new StoredBatch(id, in.readVarint(), in.readVarint(), in.readVarint()));
		}
		return batches;
	}

}
