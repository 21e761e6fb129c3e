package io.prometheusrelay.transport;

/**
 * A batch could not be delivered to, or answered by, a relay peer. Never a verdict on the batch
 * itself: sending it again later, or elsewhere, may succeed.
 */
public final class RelayUnavailableException extends RuntimeException {

	/** Why, as a bounded metric tag. */
	public enum Cause {

		/** No connection to the peer right now. */
		NOT_CONNECTED,

		/** The in-flight window to the peer is full. */
		BUSY,

		/** The peer did not answer within the ack timeout. */
		TIMEOUT,

		/** The connection closed while the batch was in flight. */
		CONNECTION_LOST;

		String tag() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	private final Cause cause;

	public RelayUnavailableException(Cause cause, String message) {
		super(message, null, false, false);
		this.cause = cause;
	}

	public Cause reason() {
		return this.cause;
	}

	/** Whether the peer itself misbehaved (timed out, dropped the connection), as opposed to being busy or away. */
	public boolean isPeerFault() {
		return this.cause == Cause.TIMEOUT || this.cause == Cause.CONNECTION_LOST;
	}

}
