package io.prometheusrelay.apiserver.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of a segment file, {@code <UTC timestamp>.seg}:
 *
 * <pre>
 * header:  "PRSEG" 0x00 0x00 0x01                      (8 bytes: magic + format version)
 * record:  length:u32  crc32c(payload):u32  payload     (repeated; big-endian)
 * </pre>
 *
 * A payload is one batch exactly as relayed: an encoded {@code prometheus.WriteRequest}. File names
 * sort in creation order, so a plain directory listing is the segment order.
 */
final class SegmentFormat {

	static final byte[] HEADER = { 'P', 'R', 'S', 'E', 'G', 0, 0, 1 };

	static final int RECORD_HEADER_BYTES = 8;

	static final String SUFFIX = ".seg";

	static final String LATEST_LINK = "latest";

	private static final DateTimeFormatter NAME_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private SegmentFormat() {
	}

	/**
	 * The name of a segment created at {@code created}; {@code sequence} breaks ties within a
	 * millisecond (a roll right after a failed write), as {@code _001}, which sorts after the plain
	 * name ('_' after '.') and in order up to 999.
	 */
	static String fileName(Instant created, int sequence) {
		String base = NAME_FORMAT.format(created);
		return (sequence == 0) ? base + SUFFIX : base + String.format("_%03d", sequence) + SUFFIX;
	}

	static boolean isSegment(String fileName) {
		return fileName.endsWith(SUFFIX) && fileName.length() > SUFFIX.length();
	}

	/** The creation time encoded in a segment's name. */
	static Optional<Instant> createdAt(String fileName) {
		try {
			return Optional.of(Instant.from(NAME_FORMAT.parse(fileName.substring(0, 19))));
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	static ByteBuffer recordHeader(byte[] payload) {
		ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES);
		header.putInt(payload.length);
		header.putInt(checksum(payload, 0, payload.length));
		return header.flip();
	}

	static int checksum(byte[] bytes, int offset, int length) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, offset, length);
		return (int) crc.getValue();
	}

	static String describe(byte[] header) {
		return new String(header, StandardCharsets.ISO_8859_1);
	}

}
