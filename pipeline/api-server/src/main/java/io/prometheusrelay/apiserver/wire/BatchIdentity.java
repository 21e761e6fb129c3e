package io.prometheusrelay.apiserver.wire;

import java.nio.ByteBuffer;

import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.tsdb.model.BatchId;

/**
 * The identity a relayed batch is stored under: its {@link BatchDigest}, the first 128 bits of the
 * SHA-256 of its payload, whether the forwarder sent it in the frame or the api-server computed it.
 * Every hop relays a batch byte for byte, so the same batch has the same identity wherever and however
 * often it arrives: retried by Prometheus after a lost answer, replayed by the forwarder's hand-off, or
 * resent after a connection was lost.
 */
public final class BatchIdentity {

	private BatchIdentity() {
	}

	public static BatchId of(byte[] payload) {
		return of(BatchDigest.of(payload));
	}

	public static BatchId of(BatchDigest digest) {
		return new BatchId(digest.high(), digest.low());
	}

	/** The 16 bytes a peer's inventory names a batch by. */
	public static byte[] bytes(BatchId id) {
		return ByteBuffer.allocate(16).putLong(id.high()).putLong(id.low()).array();
	}

	/** The identity in 16 bytes of a peer's inventory. */
	public static BatchId of(ByteBuffer sixteenBytes) {
		return new BatchId(sixteenBytes.getLong(), sixteenBytes.getLong());
	}

}
