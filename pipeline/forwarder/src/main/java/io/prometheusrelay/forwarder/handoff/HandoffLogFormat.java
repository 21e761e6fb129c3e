package io.prometheusrelay.forwarder.handoff;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.prometheusrelay.log.LogRecord;

/**
 * How the hand-off keeps batches in its segmented log ({@code io.prometheusrelay.log}), segment files
 * {@code <first sequence, 20 digits>.handoff} of CRC32C-framed records: each record's sequence is the
 * batch's, and its payload is
 *
 * <pre>
 * appendedAt:u64 bytesThrough:u64 batch[...]
 * </pre>
 *
 * the batch as relayed, after when the forwarder took it and the payload bytes of every batch up to
 * it. Segments of the earlier format ({@code .hlog}) are not read.
 */
final class HandoffLogFormat {

	/** "PRHO": the first bytes of every hand-off segment. */
	static final int MAGIC = 0x5052484F;

	static final String SUFFIX = ".handoff";

	static final String EARLIER_SUFFIX = ".hlog";

	private static final int PREFIX_BYTES = 16;

	private HandoffLogFormat() {
	}

	/** The record's parts: its prefix, then the batch, not copied. */
	static ByteBuffer[] record(LoggedBatch batch) {
		ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES)
			.putLong(batch.appendedAtMillis())
			.putLong(batch.bytesThrough())
			.flip();
		return new ByteBuffer[] { prefix, ByteBuffer.wrap(batch.payload()) };
	}

	/** The position of the batch a record holds, without copying the batch. */
	static LoggedBatch position(LogRecord record) {
		ByteBuffer prefix = prefix(record);
		return new LoggedBatch(record.sequence(), prefix.getLong(), prefix.getLong(), LoggedBatch.ORIGIN.payload());
	}

	/** The batch a record holds. */
	static LoggedBatch batch(LogRecord record) {
		ByteBuffer prefix = prefix(record);
		byte[] bytes = record.payload();
		return new LoggedBatch(record.sequence(), prefix.getLong(), prefix.getLong(),
				Arrays.copyOfRange(bytes, PREFIX_BYTES, bytes.length));
	}

	private static ByteBuffer prefix(LogRecord record) {
		byte[] bytes = record.payload();
		if (bytes.length < PREFIX_BYTES) {
			throw new IllegalArgumentException("Hand-off record " + record.sequence() + " is " + bytes.length + " bytes");
		}
		return ByteBuffer.wrap(bytes, 0, PREFIX_BYTES);
	}

}
