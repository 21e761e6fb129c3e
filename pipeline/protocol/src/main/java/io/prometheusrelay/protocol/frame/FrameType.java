package io.prometheusrelay.protocol.frame;

import java.util.Optional;

/** What a relay frame carries; the code is its byte on the wire. */
public enum FrameType {

	/** An encoded, validated {@code prometheus.WriteRequest}. */
	BATCH(1),

	/** The batch with this id is durable downstream. Empty payload. */
	ACK(2),

	/** The batch with this id was not taken; the payload is a {@link Nack}. */
	NACK(3),

	/** Liveness probe, echoed by the server with the same id. Empty payload. */
	HEARTBEAT(4);

	private final byte code;

	FrameType(int code) {
		this.code = (byte) code;
	}

	public byte code() {
		return this.code;
	}

	public static Optional<FrameType> fromCode(byte code) {
		for (FrameType type : values()) {
			if (type.code == code) {
				return Optional.of(type);
			}
		}
		return Optional.empty();
	}

}
