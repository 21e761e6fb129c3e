package io.prometheusrelay.apiserver.wire;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.prometheusrelay.tsdb.model.BatchId;

/**
 * The identity of a relayed batch: the first 128 bits of the SHA-256 of its payload. Every hop
 * relays a batch byte for byte, so the same batch has the same identity wherever and however often
 * it arrives: retried by Prometheus after a lost answer, replayed by the forwarder's hand-off, or
 * resent after a connection was lost. A cryptographic hash, because a collision would make the
 * store drop a batch it never had, and a sender must not be able to arrange one.
 */
public final class BatchIdentity {

	private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	});

	private BatchIdentity() {
	}

	public static BatchId of(byte[] payload) {
		ByteBuffer digest = ByteBuffer.wrap(SHA_256.get().digest(payload));
		return new BatchId(digest.getLong(), digest.getLong());
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
