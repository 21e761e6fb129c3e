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

	/** The header of a record whose payload is {@code parts}, one after the other. */
	static ByteBuffer recordHeader(long sequence, ByteBuffer... parts) {
		long length = 0;
		for (ByteBuffer part : parts) {
			length += part.remaining();
		}
		if (length > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("A record holds at most 2 GiB, not " + length + " bytes");
		}
		ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES);
		header.putInt((int) length).putInt(checksum(sequence, parts)).putLong(sequence);
		return header.flip();
	}

	static int checksum(long sequence, ByteBuffer... parts) {
		CRC32C crc = new CRC32C();
		ByteBuffer sequenceBytes = ByteBuffer.allocate(8).putLong(0, sequence);
		crc.update(sequenceBytes);
		for (ByteBuffer part : parts) {
			crc.update(part.duplicate());
		}
		return (int) crc.getValue();
	}

}
