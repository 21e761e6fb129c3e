package io.prometheusrelay.receiver.decode;

import java.io.IOException;

import org.xerial.snappy.Snappy;

/**
 * The snappy block format remote-write uses: a varint of the decoded length, then the compressed
 * stream. The declared length is read and checked against the limit before anything is allocated,
 * because a tiny request can declare gigabytes.
 */
final class SnappyBlock {

	/** What the snappy framing (stream) format starts with; remote-write does not use it. */
	private static final byte[] STREAM_IDENTIFIER = { (byte) 0xFF, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y' };

	private SnappyBlock() {
	}

	static byte[] decode(byte[] body, long maxDecodedBytes) {
		if (body.length == 0) {
			throw RemoteWriteRejection.malformed("empty_body", "empty body; expected a snappy-compressed WriteRequest");
		}
		if (startsWithStreamIdentifier(body)) {
			throw RemoteWriteRejection.malformed("snappy_framed",
					"body uses the snappy framed (stream) format; remote-write requires the block format");
		}
		long declared = declaredLength(body);
		if (declared > maxDecodedBytes) {
			throw RemoteWriteRejection.tooLarge("decoded_too_large", "snappy header declares " + declared
					+ " decoded bytes; the limit is " + maxDecodedBytes);
		}
		byte[] decoded = new byte[(int) declared];
		try {
			int length = Snappy.uncompress(body, 0, body.length, decoded, 0);
			if (length != declared) {
				throw RemoteWriteRejection.malformed("invalid_snappy",
						"snappy block decoded to " + length + " bytes, header declared " + declared);
			}
		}
		catch (IOException ex) {
			throw RemoteWriteRejection.malformed("invalid_snappy", "invalid snappy block: " + ex.getMessage());
		}
		return decoded;
	}

	/** The decoded length from the block's varint header (at most 32 bits). */
	static long declaredLength(byte[] body) {
		long length = 0;
		for (int i = 0; i < Math.min(5, body.length); i++) {
			length |= (long) (body[i] & 0x7F) << (7 * i);
			if ((body[i] & 0x80) == 0) {
				if (length > 0xFFFF_FFFFL) {
					break;
				}
				return length;
			}
		}
		throw RemoteWriteRejection.malformed("invalid_snappy", "invalid snappy block: malformed length header");
	}

	private static boolean startsWithStreamIdentifier(byte[] body) {
		if (body.length < STREAM_IDENTIFIER.length) {
			return false;
		}
		for (int i = 0; i < STREAM_IDENTIFIER.length; i++) {
			if (body[i] != STREAM_IDENTIFIER[i]) {
				return false;
			}
		}
		return true;
	}

}
