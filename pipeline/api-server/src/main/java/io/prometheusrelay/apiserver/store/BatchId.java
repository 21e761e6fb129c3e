package io.prometheusrelay.apiserver.store;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The identity of a relayed batch: the first 128 bits of the SHA-256 of its payload. Every hop
 * relays a batch byte for byte, so the same batch has the same identity wherever and however often
 * it arrives: retried by Prometheus after a lost answer, replayed by the forwarder's hand-off, or
 * resent after a connection was lost. A cryptographic hash, because a collision would make the
 * store drop a batch it never had, and a sender must not be able to arrange one.
 *
 * @param high the first 64 bits
 * @param low the next 64 bits
 */
public record BatchId(long high, long low) {

	private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	});

	public static BatchId of(byte[] payload) {
		ByteBuffer digest = ByteBuffer.wrap(SHA_256.get().digest(payload));
		return new BatchId(digest.getLong(), digest.getLong());
	}

	@Override
	public String toString() {
		return String.format("%016x%016x", this.high, this.low);
	}

}
