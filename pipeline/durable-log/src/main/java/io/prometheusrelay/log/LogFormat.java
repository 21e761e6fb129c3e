package io.prometheusrelay.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The layout of a log's segment files, {@code <first sequence, 20 digits><suffix>}:
 *
 * <pre>
 * header:  magic:u32 version:u32                                  (8 bytes; the magic names the log)
 * record:  length:u32 crc32c:u32 sequence:u64 payload[length]
 * </pre>
 *
 * The CRC32C covers the sequence and the payload. Names sort in sequence order.
 */
final class LogFormat {

	static final int HEADER_BYTES = 8;

	static final int RECORD_HEADER_BYTES = 16;

	static final int VERSION = 1;

	private LogFormat() {
	}

	static String fileName(long firstSequence, String suffix) {
		return String.format("%020d%s", firstSequence, suffix);
	}

	static boolean isSegment(String fileName, String suffix) {
		return fileName.endsWith(suffix) && fileName.length() == 20 + suffix.length()
				&& fileName.chars().limit(20).allMatch(Character::isDigit);
	}

	static long firstSequence(String fileName) {
		return Long.parseLong(fileName.substring(0, 20));
	}

	static ByteBuffer header(int magic) {
		return ByteBuffer.allocate(HEADER_BYTES).putInt(magic).putInt(VERSION).flip();
	}

	static ByteBuffer recordHeader(long sequence, ByteBuffer payload) {
		ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES);
		header.putInt(payload.remaining()).putInt(checksum(sequence, payload)).putLong(sequence);
		return header.flip();
	}

	static int checksum(long sequence, ByteBuffer payload) {
		CRC32C crc = new CRC32C();
		ByteBuffer sequenceBytes = ByteBuffer.allocate(8).putLong(0, sequence);
		crc.update(sequenceBytes);
		crc.update(payload.duplicate());
		return (int) crc.getValue();
	}

}
