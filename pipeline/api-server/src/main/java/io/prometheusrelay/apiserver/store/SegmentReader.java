package io.prometheusrelay.apiserver.store;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Reads the records of one segment in order, verifying each checksum, and stops at the first record
 * that is incomplete or corrupt with nothing valid after it, remembering where the valid part ended,
 * so recovery can truncate there: a crash mid-append leaves exactly such a torn tail.
 * <p>
 * A corrupt record whose length still leads to valid records (a payload damaged on disk, not a
 * torn write) is skipped and counted instead, so the acknowledged records after it are kept. The
 * store never appends after a failed write, so a torn record is always the last one.
 */
public final class SegmentReader implements AutoCloseable {

	private final Path file;

	private final DataInputStream in;

	private final long fileSize;

	private long validLength;

	private @Nullable String tornReason;

	private long skippedRecords;

	private long recordOffset = -1;

	/** Consecutive corrupt records looked past before the rest of the file counts as torn. */
	private static final int MAX_SKIPPED_IN_A_ROW = 16;

	private SegmentReader(Path file) throws IOException {
		this.file = file;
		this.fileSize = Files.size(file);
		InputStream stream = Files.newInputStream(file);
		this.in = new DataInputStream(new BufferedInputStream(stream, 1 << 16));
		byte[] header = new byte[SegmentFormat.HEADER.length];
		try {
			this.in.readFully(header);
		}
		catch (EOFException ex) {
			this.tornReason = "segment header incomplete";
			return;
		}
		if (!Arrays.equals(header, SegmentFormat.HEADER)) {
			this.tornReason = "not a segment file (header '" + SegmentFormat.describe(header) + "')";
			return;
		}
		this.validLength = header.length;
	}

	public static SegmentReader open(Path file) throws IOException {
		return new SegmentReader(file);
	}

	/** The next record's payload, or empty at the end of the valid records. */
	public Optional<byte[]> next() throws IOException {
		if (this.tornReason != null || this.validLength == this.fileSize) {
			return Optional.empty();
		}
		long position = this.validLength;
		String firstProblem = null;
		for (int corrupt = 0; corrupt <= MAX_SKIPPED_IN_A_ROW; corrupt++) {
			long remaining = this.fileSize - position;
			if (remaining < SegmentFormat.RECORD_HEADER_BYTES) {
				return torn((firstProblem != null) ? firstProblem : "record header incomplete (" + remaining + " bytes)");
			}
			long start = position;
			long length = Integer.toUnsignedLong(this.in.readInt());
			int expectedChecksum = this.in.readInt();
			if (length > remaining - SegmentFormat.RECORD_HEADER_BYTES) {
				return torn((firstProblem != null) ? firstProblem
						: "record of " + length + " bytes extends past the end of the file");
			}
			byte[] payload = new byte[(int) length];
			this.in.readFully(payload);
			position += SegmentFormat.RECORD_HEADER_BYTES + length;
			if (SegmentFormat.checksum(payload, 0, payload.length) == expectedChecksum) {
				this.skippedRecords += corrupt;
				this.validLength = position;
				this.recordOffset = start;
				return Optional.of(payload);
			}
			firstProblem = (firstProblem != null) ? firstProblem : "record checksum mismatch";
		}
		return torn(firstProblem);
	}

	/** Where the record {@link #next()} returned last starts in the file (its header). */
	public long recordOffset() {
		return this.recordOffset;
	}

	/**
	 * The payload of the record at {@code offset} of {@code file}, if a whole record of
	 * {@code expectedLength} bytes with a valid checksum starts there. For reads of single records
	 * whose place the store indexed; a length that does not match is never read.
	 */
	public static Optional<byte[]> readAt(Path file, long offset, int expectedLength) throws IOException {
		try (FileChannel channel = FileChannel.open(file)) {
			ByteBuffer header = ByteBuffer.allocate(SegmentFormat.RECORD_HEADER_BYTES);
			if (offset < SegmentFormat.HEADER.length || !readFully(channel, header, offset)
					|| header.getInt(0) != expectedLength) {
				return Optional.empty();
			}
			byte[] payload = new byte[expectedLength];
			if (!readFully(channel, ByteBuffer.wrap(payload), offset + SegmentFormat.RECORD_HEADER_BYTES)
					|| SegmentFormat.checksum(payload, 0, payload.length) != header.getInt(4)) {
				return Optional.empty();
			}
			return Optional.of(payload);
		}
	}

	private static boolean readFully(FileChannel channel, ByteBuffer buffer, long position)
			throws IOException {
		while (buffer.hasRemaining()) {
			if (channel.read(buffer, position + buffer.position()) < 0) {
				return false;
			}
		}
		return true;
	}

	/** Corrupt records skipped because valid records follow them. */
	public long skippedRecords() {
		return this.skippedRecords;
	}

	private Optional<byte[]> torn(String reason) {
		this.tornReason = reason;
		return Optional.empty();
	}

	/** Bytes from the start of the file to the end of the last valid record read so far. */
	public long validLength() {
		return this.validLength;
	}

	/** Why reading stopped before the end of the file, if it did. */
	public Optional<String> tornReason() {
		return Optional.ofNullable(this.tornReason);
	}

	public Path file() {
		return this.file;
	}

	public long fileSize() {
		return this.fileSize;
	}

	@Override
	public void close() throws IOException {
		this.in.close();
	}

}
