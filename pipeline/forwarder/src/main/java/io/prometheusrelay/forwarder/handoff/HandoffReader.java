package io.prometheusrelay.forwarder.handoff;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads batches of the hand-off log from disk for one replica that is catching up. Replicas read
 * forward, so the reader keeps its segment open and only reopens it to go back (a batch to resend)
 * or to move to another segment.
 */
final class HandoffReader implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HandoffReader.class);

	private final HandoffLog log;

	private @Nullable HandoffSegment segment;

	private @Nullable HandoffSegmentReader reader;

	/** The sequence of the next record the open reader returns. */
	private long position;

	HandoffReader(HandoffLog log) {
		this.log = log;
	}

	/** The batch at {@code sequence}, or null when the log no longer (or not yet) holds it on disk. */
	@Nullable LoggedBatch read(long sequence) {
		HandoffSegment holder = this.log.segmentOf(sequence);
		if (holder == null) {
			return null;
		}
		try {
			if (holder != this.segment || this.reader == null || sequence < this.position) {
				close();
				this.reader = new HandoffSegmentReader(holder.file);
				this.segment = holder;
				this.position = holder.firstSequence;
			}
			LoggedBatch batch;
			while ((batch = this.reader.next()) != null) {
				this.position = batch.sequence() + 1;
				if (batch.sequence() == sequence) {
					return batch;
				}
				if (batch.sequence() > sequence) {
					return null;
				}
			}
			// The end of what was on disk when the reader opened it: look again next time.
			close();
			return null;
		}
		catch (NoSuchFileException ex) {
			close();
			return null;
		}
		catch (IOException ex) {
			logger.warn("Hand-off segment {}: read failed: {}", holder.file.getFileName(), ex.getMessage());
			close();
			return null;
		}
	}

	@Override
	public void close() {
		HandoffSegmentReader open = this.reader;
		this.reader = null;
		this.segment = null;
		if (open != null) {
			try {
				open.close();
			}
			catch (IOException ex) {
				// Read only: nothing to lose.
			}
		}
	}

}
