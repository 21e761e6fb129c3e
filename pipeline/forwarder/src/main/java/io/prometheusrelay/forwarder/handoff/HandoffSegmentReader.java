package io.prometheusrelay.forwarder.handoff;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Reads the records of one hand-off segment in order, checking each checksum, and stops at the first
 * incomplete or corrupt one (a crash mid-append leaves such a tail), remembering where the valid part
 * ends.
 */
final class HandoffSegmentReader implements AutoCloseable {

	private final DataInputStream in;

	private final long fileSize;

	private long validLength;

	private @Nullable String tornReason;

	HandoffSegmentReader(Path file) throws IOException {
		this.fileSize = Files.size(file);
		this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
		byte[] header = new byte[HandoffLogFormat.HEADER.length];
		try {
			this.in.readFully(header);
		}
		catch (EOFException ex) {
			this.tornReason = "segment header incomplete";
			return;
		}
		if (!Arrays.equals(header, HandoffLogFormat.HEADER)) {
			this.tornReason = "not a hand-off segment";
			return;
		}
		this.validLength = header.length;
	}

	/** The next record, or null at the end of the valid records. */
	@Nullable LoggedBatch next() throws IOException {
		if (this.tornReason != null || this.validLength == this.fileSize) {
			return null;
		}
		long remaining = this.fileSize - this.validLength;
		if (remaining < HandoffLogFormat.RECORD_HEADER_BYTES) {
			return torn("record header incomplete");
		}
		byte[] header = new byte[HandoffLogFormat.RECORD_HEADER_BYTES];
		this.in.readFully(header);
		ByteBuffer fields = ByteBuffer.wrap(header);
		long length = Integer.toUnsignedLong(fields.getInt());
		int checksum = fields.getInt();
		if (length > remaining - HandoffLogFormat.RECORD_HEADER_BYTES) {
			return torn("record extends past the end of the file");
		}
		byte[] payload = new byte[(int) length];
		this.in.readFully(payload);
		if (HandoffLogFormat.checksum(header, payload) != checksum) {
			return torn("record checksum mismatch");
		}
		this.validLength += HandoffLogFormat.RECORD_HEADER_BYTES + length;
		return new LoggedBatch(fields.getLong(), fields.getLong(), fields.getLong(), payload);
	}

	private @Nullable LoggedBatch torn(String reason) {
		this.tornReason = reason;
		return null;
	}

	long validLength() {
		return this.validLength;
	}

	long fileSize() {
		return this.fileSize;
	}

	@Nullable String tornReason() {
		return this.tornReason;
	}

	@Override
	public void close() throws IOException {
		this.in.close();
	}

}
