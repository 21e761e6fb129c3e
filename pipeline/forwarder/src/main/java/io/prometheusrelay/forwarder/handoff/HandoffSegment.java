package io.prometheusrelay.forwarder.handoff;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One hand-off segment file: which sequences it holds, and, while active, its open channel. */
final class HandoffSegment {

	private static final Logger logger = LoggerFactory.getLogger(HandoffSegment.class);

	final Path file;

	final long firstSequence;

	volatile long lastSequence;

	volatile long size;

	volatile long firstAppendedAt = Long.MAX_VALUE;

	/** The position of the last batch written. */
	volatile LoggedBatch last = LoggedBatch.ORIGIN;

	private @Nullable FileChannel channel;

	private long openedAt;

	HandoffSegment(Path file, long firstSequence) {
		this.file = file;
		this.firstSequence = firstSequence;
		this.lastSequence = firstSequence - 1;
	}

	void open(FileChannel channel, long openedAt) {
		this.channel = channel;
		this.openedAt = openedAt;
	}

	/** When the writer opened the file, by its clock: for rolling by age. */
	long openedAt() {
		return this.openedAt;
	}

	FileChannel channel() throws IOException {
		FileChannel open = this.channel;
		if (open == null) {
			throw new IOException("segment " + this.file.getFileName() + " is closed");
		}
		return open;
	}

	void close() {
		FileChannel open = this.channel;
		this.channel = null;
		if (open == null) {
			return;
		}
		try {
			open.force(false);
			open.close();
		}
		catch (IOException ex) {
			logger.warn("Hand-off segment {}: close failed: {}", this.file.getFileName(), ex.getMessage());
		}
	}

}
