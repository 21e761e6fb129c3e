package io.prometheusrelay.forwarder.handoff;

import java.io.UncheckedIOException;

import io.prometheusrelay.log.LogReader;
import io.prometheusrelay.log.LogRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads batches of the hand-off log from disk for one replica that is catching up. Replicas read
 * forward, so the reader keeps its place and only starts again to go back (a batch to resend) or
 * past what was written when it started.
 */
public final class HandoffReader implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HandoffReader.class);

	private final HandoffLog log;

	private @Nullable LogReader reader;

	/** The sequence of the next record the open reader returns, at least. */
	private long position;

	public HandoffReader(HandoffLog log) {
		this.log = log;
	}

	/** The batch at {@code sequence}, or null when the log no longer (or not yet) holds it on disk. */
	public @Nullable LoggedBatch read(long sequence) {
		if (this.log.segmentOf(sequence) == null) {
			return null;
		}
		try {
			if (this.reader == null || sequence < this.position) {
				close();
				this.reader = this.log.read(sequence);
				this.position = sequence;
			}
			LogReader records = this.reader;
			while (records.hasNext()) {
				LogRecord record = records.next();
				this.position = record.sequence() + 1;
				if (record.sequence() == sequence) {
					return HandoffLogFormat.batch(record);
				}
				if (record.sequence() > sequence) {
					return null;
				}
			}
			// The end of what was written when the reader started: look again next time.
			close();
			return null;
		}
		catch (UncheckedIOException | IllegalArgumentException ex) {
			logger.warn("Hand-off log: reading batch {} failed: {}", sequence, ex.getMessage());
			close();
			return null;
		}
	}

	@Override
	public void close() {
		LogReader open = this.reader;
		this.reader = null;
		if (open != null) {
			open.close();
		}
	}

}
