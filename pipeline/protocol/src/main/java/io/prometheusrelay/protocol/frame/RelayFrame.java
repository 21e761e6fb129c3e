package io.prometheusrelay.protocol.frame;

import java.util.Objects;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * One relay frame. On the wire (big-endian):
 *
 * <pre>
 * version:u8  type:u8  batchId:u64  length:u32  payload[length]  crc32c:u32
 * </pre>
 *
 * The CRC-32C covers everything before it. Batch ids are chosen by the sender of a BATCH and
 * echoed in its ACK or NACK; they are unique per connection only.
 *
 * @param type what the frame carries
 * @param batchId the batch this frame belongs to
 * @param payload the payload bytes; never modified after construction
 */
public record RelayFrame(FrameType type, long batchId, byte[] payload) {

	/** The only version this codec speaks. */
	public static final byte VERSION = 1;

	/** version + type + batch id + length. */
	public static final int HEADER_BYTES = 1 + 1 + 8 + 4;

	/** The CRC-32C after the payload. */
	public static final int TRAILER_BYTES = 4;

	private static final byte[] EMPTY = new byte[0];

	public RelayFrame {
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(payload, "payload");
	}

	public static RelayFrame batch(long batchId, byte[] writeRequest) {
		return new RelayFrame(FrameType.BATCH, batchId, writeRequest);
	}

	public static RelayFrame ack(long batchId) {
		return new RelayFrame(FrameType.ACK, batchId, EMPTY);
	}

	public static RelayFrame nack(long batchId, String reason, boolean retryable) {
		byte[] payload = Nack.newBuilder().setReason(reason).setRetryable(retryable).build().toByteArray();
		return new RelayFrame(FrameType.NACK, batchId, payload);
	}

	public static RelayFrame heartbeat(long id) {
		return new RelayFrame(FrameType.HEARTBEAT, id, EMPTY);
	}

	/** Bytes this frame takes on the wire. */
	public int encodedLength() {
		return HEADER_BYTES + this.payload.length + TRAILER_BYTES;
	}

	/** The NACK payload; a malformed one reads as a retryable NACK that says so. */
	public Nack nackPayload() {
		if (this.type != FrameType.NACK) {
			throw new IllegalStateException("Not a NACK frame: " + this.type);
		}
		try {
			return Nack.parseFrom(this.payload);
		}
		catch (InvalidProtocolBufferException ex) {
			return Nack.newBuilder().setRetryable(true).setReason("malformed NACK payload").build();
		}
	}

	@Override
	public String toString() {
		return "RelayFrame[" + this.type + " #" + this.batchId + ", " + this.payload.length + " bytes]";
	}

}
