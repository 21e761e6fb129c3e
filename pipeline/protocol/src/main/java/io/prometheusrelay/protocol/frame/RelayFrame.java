package io.prometheusrelay.protocol.frame;

import java.util.Objects;

import com.google.protobuf.InvalidProtocolBufferException;
import org.jspecify.annotations.Nullable;

/**
 * One relay frame. On the wire (big-endian), version 1:
 *
 * <pre>
 * version:u8=1  type:u8  batchId:u64  length:u32  payload[length]  crc32c:u32
 * </pre>
 *
 * and version 2, a BATCH with its {@link BatchDigest}:
 *
 * <pre>
 * version:u8=2  type:u8  batchId:u64  length:u32  digest[16]  payload[length]  crc32c:u32
 * </pre>
 *
 * The CRC-32C covers everything before it. Batch ids are chosen by the sender of a BATCH and
 * echoed in its ACK or NACK; they are unique per connection only.
 * <p>
 * <strong>Which version a sender may use.</strong> A server reads both. A server that takes digests
 * (the api-server's) starts every connection with a {@link #versionOffer()}, a version 1 HEARTBEAT
 * whose one payload byte is the highest version it reads; a sender uses version 2 only after that
 * offer. Servers of earlier releases read version 1 only and send no offer; clients of earlier
 * releases ignore heartbeats. So a pipeline of mixed releases, as in a rolling upgrade, keeps
 * working in either order, each connection on the version both ends read. Answers (ACK, NACK,
 * heartbeats) are always version 1.
 *
 * @param type what the frame carries
 * @param batchId the batch this frame belongs to
 * @param payload the payload bytes; never modified after construction
 * @param digest the BATCH's digest, carried in version 2; null in version 1
 */
public record RelayFrame(FrameType type, long batchId, byte[] payload, @Nullable BatchDigest digest) {

	/** The version every release reads, and every answer is written in. */
	public static final byte VERSION = 1;

	/** The version of a BATCH with its digest. */
	public static final byte VERSION_WITH_DIGEST = 2;

	/** version + type + batch id + length. */
	public static final int HEADER_BYTES = 1 + 1 + 8 + 4;

	/** The CRC-32C after the payload. */
	public static final int TRAILER_BYTES = 4;

	private static final byte[] EMPTY = new byte[0];

	public RelayFrame {
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(payload, "payload");
		if (digest != null && type != FrameType.BATCH) {
			throw new IllegalArgumentException("Only a BATCH carries a digest, not a " + type);
		}
	}

	/** A frame of version 1. */
	public RelayFrame(FrameType type, long batchId, byte[] payload) {
		this(type, batchId, payload, null);
	}

	public static RelayFrame batch(long batchId, byte[] writeRequest) {
		return new RelayFrame(FrameType.BATCH, batchId, writeRequest);
	}

	/** A BATCH of version 2, carrying the digest of {@code writeRequest}. */
	public static RelayFrame batch(long batchId, byte[] writeRequest, BatchDigest digest) {
		return new RelayFrame(FrameType.BATCH, batchId, writeRequest, Objects.requireNonNull(digest, "digest"));
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

	/** What a server that takes digests sends first on every connection: the highest version it reads. */
	public static RelayFrame versionOffer() {
		return new RelayFrame(FrameType.HEARTBEAT, 0, new byte[] { VERSION_WITH_DIGEST });
	}

	/**
	 * The version this frame offers: its payload byte if it is a {@link #versionOffer()}; 0 for any
	 * other frame, a plain heartbeat among them, which offers nothing.
	 */
	public int offeredVersion() {
		return (this.type == FrameType.HEARTBEAT && this.payload.length > 0) ? this.payload[0] : 0;
	}

	/** The version this frame is written in. */
	public byte version() {
		return (this.digest != null) ? VERSION_WITH_DIGEST : VERSION;
	}

	/** Bytes this frame takes on the wire. */
	public int encodedLength() {
		return HEADER_BYTES + ((this.digest != null) ? BatchDigest.BYTES : 0) + this.payload.length + TRAILER_BYTES;
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
