package io.prometheusrelay.forwarder.handoff;

/**
 * One batch in the hand-off log.
 *
 * @param sequence its position in the log, from 1, without gaps
 * @param appendedAtMillis when the forwarder took it (epoch milliseconds)
 * @param bytesThrough payload bytes of every batch up to and including this one, so the bytes between
 * two positions are a subtraction
 * @param payload the batch as relayed, an encoded {@code prometheus.WriteRequest}
 */
public record LoggedBatch(long sequence, long appendedAtMillis, long bytesThrough, byte[] payload) {

	/** Where a log starts, before its first batch. */
	public static final LoggedBatch ORIGIN = new LoggedBatch(0, 0, 0, new byte[0]);

	/** The next batch after this one. */
	public LoggedBatch next(long appendedAtMillis, byte[] payload) {
		return new LoggedBatch(this.sequence + 1, appendedAtMillis, this.bytesThrough + payload.length, payload);
	}

	/** The same position without its payload: what a cursor keeps of the batch it has reached. */
	public LoggedBatch position() {
		return (this.payload.length == 0) ? this
				: new LoggedBatch(this.sequence, this.appendedAtMillis, this.bytesThrough, ORIGIN.payload);
	}

}
