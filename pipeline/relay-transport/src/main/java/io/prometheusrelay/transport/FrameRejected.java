package io.prometheusrelay.transport;

/**
 * Emitted by {@link RelayFrameDecoder} in place of a frame it could not accept.
 *
 * @param batchId the batch id from the frame's header, so the peer can be NACKed (0 when unknown)
 * @param reason one line saying why
 * @param fatal whether the byte stream can no longer be trusted: the connection must be closed
 * @param retryable whether sending the same batch again may succeed (a corrupted transfer), as opposed
 * to never (an over-size frame)
 */
public record FrameRejected(long batchId, String reason, boolean fatal, boolean retryable) {

	static FrameRejected oversize(long batchId, long frameBytes, int maxFrameBytes) {
		return new FrameRejected(batchId,
				"frame of " + frameBytes + " bytes exceeds the limit of " + maxFrameBytes + " bytes", false, false);
	}

	static FrameRejected checksumMismatch(long batchId) {
		return new FrameRejected(batchId, "frame checksum mismatch", false, true);
	}

	static FrameRejected unreadableHeader(String reason) {
		return new FrameRejected(0, reason, true, false);
	}

}
