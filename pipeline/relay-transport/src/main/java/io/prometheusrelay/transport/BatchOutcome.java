package io.prometheusrelay.transport;

/**
 * What the downstream hop said about one batch: ACK, or NACK with a reason and whether the same
 * batch may succeed if sent again.
 *
 * @param acked whether the batch is durable downstream
 * @param reason one line, empty for an ACK
 * @param retryable for a NACK, whether sending the batch again may succeed
 */
public record BatchOutcome(boolean acked, String reason, boolean retryable) {

	private static final BatchOutcome ACK = new BatchOutcome(true, "", false);

	public static BatchOutcome ack() {
		return ACK;
	}

	public static BatchOutcome nack(String reason, boolean retryable) {
		return new BatchOutcome(false, reason, retryable);
	}

	/** Bounded tag value for metrics. */
	public String outcomeTag() {
		return this.acked ? "ack" : (this.retryable ? "nack_retryable" : "nack");
	}

}
