package io.prometheusrelay.log;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Reads the records of one segment in order. A record whose checksum does not match but whose length
 * fits the file is skipped and counted (a flipped byte); a record that does not fit (a torn write at
 * the end) ends the reading, and {@link #validLength()} says where the good records end.
 */
final class SegmentReader implements AutoCloseable {

	private final DataInputStream in;

	private final long fileSize;

	private final int magic;

	private long position;

	private long validLength;

	private long skipped;

	private @Nullable String tornReason;

	SegmentReader(Path file, int magic) throws IOException {
		this.fileSize = Files.size(file);
		this.magic = magic;
		this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
		readHeader();
	}

	private void readHeader() throws IOException {
		if (this.fileSize < LogFormat.HEADER_BYTES) {
			this.tornReason = "segment header incomplete";
			return;
		}
		int fileMagic = this.in.readInt();
		int version = this.in.readInt();
		if (fileMagic != this.magic || version != LogFormat.VERSION) {
			this.tornReason = "not a segment of this log (magic " + Integer.toHexString(fileMagic) + ", version "
					+ version + ")";
			return;
		}
		this.position = LogFormat.HEADER_BYTES;
		this.validLength = this.position;
	}

	/** The next good record, or null at the end of the good records. */
	@Nullable LogRecord next() throws IOException {
		while (this.tornReason == null && this.position < this.fileSize) {
			long remaining = this.fileSize - this.position;
			if (remaining < LogFormat.RECORD_HEADER_BYTES) {
				this.tornReason = "record header incomplete";
				return null;
			}
			long length = Integer.toUnsignedLong(this.in.readInt());
			int checksum = this.in.readInt();
			long sequence = this.in.readLong();
			if (length > remaining - LogFormat.RECORD_HEADER_BYTES) {
				this.tornReason = "record extends past the end of the segment";
				return null;
			}
			byte[] payload = new byte[(int) length];
			try {
				this.in.readFully(payload);
			}
			catch (EOFException ex) {
				this.tornReason = "segment shorter than it was";
				return null;
			}
			this.position += LogFormat.RECORD_HEADER_BYTES + length;
			if (LogFormat.checksum(sequence, ByteBuffer.wrap(payload)) != checksum) {
				this.skipped++;
				continue;
			}
			this.validLength = this.position;
			return new LogRecord(sequence, payload);
		}
		return null;
	}

	/** Where the last good record ends (the header's end if none). */
	long validLength() {
		return this.validLength;
	}

	long fileSize() {
		return this.fileSize;
	}

	long skipped() {
		return this.skipped;
	}

	@Nullable String tornReason() {
		return this.tornReason;
	}

	@Override
	public void close() throws IOException {
		this.in.close();
	}

}
