package io.prometheusrelay.forwarder.handoff;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of a hand-off segment, {@code <first sequence, 20 digits>.hlog}:
 *
 * <pre>
 * header:  "PRHLOG" 0x00 0x01                                           (8 bytes: magic + version)
 * record:  length:u32 crc32c:u32 sequence:u64 appendedAt:u64 bytesThrough:u64 payload[length]
 * </pre>
 *
 * The CRC-32C covers the three fields after it and the payload. Names sort in sequence order.
 */
final class HandoffLogFormat {

	static final byte[] HEADER = { 'P', 'R', 'H', 'L', 'O', 'G', 0, 1 };

	static final int RECORD_HEADER_BYTES = 4 + 4 + 8 + 8 + 8;

	static final String SUFFIX = ".hlog";

	private HandoffLogFormat() {
	}

	static String fileName(long firstSequence) {
		return String.format("%020d%s", firstSequence, SUFFIX);
	}

	static boolean isSegment(String fileName) {
		return fileName.endsWith(SUFFIX) && fileName.length() == 20 + SUFFIX.length();
	}

	static long firstSequence(String fileName) {
		return Long.parseLong(fileName.substring(0, 20));
	}

	static ByteBuffer recordHeader(LoggedBatch batch) {
		ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES);
		header.putInt(batch.payload().length);
		header.putInt(0);
		header.putLong(batch.sequence()).putLong(batch.appendedAtMillis()).putLong(batch.bytesThrough());
		header.putInt(4, checksum(header.array(), batch.payload()));
		return header.flip();
	}

	/** The CRC-32C of a record: its header after the checksum field, then its payload. */
	static int checksum(byte[] header, byte[] payload) {
		CRC32C crc = new CRC32C();
		crc.update(header, 8, RECORD_HEADER_BYTES - 8);
		crc.update(payload);
		return (int) crc.getValue();
	}

}
