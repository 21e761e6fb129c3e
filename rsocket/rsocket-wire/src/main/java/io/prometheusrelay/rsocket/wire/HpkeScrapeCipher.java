package io.prometheusrelay.rsocket.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.jspecify.annotations.Nullable;
import org.xerial.snappy.Snappy;

/**
 * The scheme this project's client and proxy negotiate: HPKE (RFC 9180) in base mode with X25519,
 * HKDF-SHA256 and AES-128-GCM, over the snappy-compressed scrape. Unlike the original scheme, it is
 * authenticated: a payload changed in transit does not decrypt, and a replayed one is refused.
 * <p>
 * The proxy's key payload is its 32-byte X25519 public key. A client sets up one HPKE context per
 * proxy key it receives, and seals each scrape with the next sequence number of that context: one
 * X25519 exchange per connection, not one per scrape. A scrape payload is {@code data = ciphertext},
 * {@code metadata = encapsulated key (32 bytes) || sequence number (8 bytes, big-endian)}.
 */
public final class HpkeScrapeCipher {

	/** Bytes of an X25519 public key: how a client tells this scheme's key from an RSA one. */
	public static final int PUBLIC_KEY_BYTES = 32;

	private static final int METADATA_BYTES = PUBLIC_KEY_BYTES + Long.BYTES;

	private static final byte[] INFO = "prometheus-relay scrape v1".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] NO_AAD = new byte[0];

	private HpkeScrapeCipher() {
	}

	private static HPKE hpke() {
		return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM128);
	}

	/** A key pair for a proxy; cheap to make, unlike RSA. */
	public static AsymmetricCipherKeyPair generateKeyPair() {
		return hpke().generatePrivateKey();
	}

	public static byte[] publicKey(AsymmetricCipherKeyPair keyPair) {
		return hpke().serializePublicKey(keyPair.getPublic());
	}

	/** Seals a single scrape to the proxy's public key; see {@link Sealer} for many. */
	public static byte[][] encrypt(String scrape, byte[] proxyPublicKey) {
		return new Sealer(proxyPublicKey).encrypt(scrape);
	}

	/** Opens a single scrape; see {@link Opener} for a connection's many. */
	public static ScrapeText decrypt(byte[] data, byte[] metadata, AsymmetricCipherKeyPair proxyKeys, int maxScrapeBytes,
			IntFunction<byte[]> buffers) {
		return new Opener(proxyKeys).decrypt(data, metadata, maxScrapeBytes, buffers);
	}

	/** A client's side: one context for one proxy key, a new sequence number per scrape. */
	public static final class Sealer {

		private final byte[] proxyPublicKey;

		private final HpkeSuite.Sender sender;

		private final AtomicLong sequence = new AtomicLong();

		public Sealer(byte[] proxyPublicKey) {
			this.proxyPublicKey = proxyPublicKey.clone();
			try {
				this.sender = HpkeSuite.sender(this.proxyPublicKey, INFO);
			}
			catch (GeneralSecurityException ex) {
				throw new ScrapeRejectedException("malformed", "proxy key is not an X25519 public key");
			}
		}

		/** Whether this sealer seals to {@code proxyPublicKey} (the proxy resends its key with every scrape). */
		public boolean sealsTo(byte[] proxyPublicKey) {
			return Arrays.equals(this.proxyPublicKey, proxyPublicKey);
		}

		/** @return the payload's data (index 0) and metadata (index 1) */
		public byte[][] encrypt(String scrape) {
			return encrypt(scrape.getBytes(StandardCharsets.UTF_8));
		}

		/** {@link #encrypt(String)} of a scrape's UTF-8 bytes. */
		public byte[][] encrypt(byte[] scrape) {
			long sequence = this.sequence.getAndIncrement();
			try {
				byte[] compressed = Snappy.compress(scrape);
				byte[] metadata = ByteBuffer.allocate(METADATA_BYTES)
					.put(this.sender.encapsulated())
					.putLong(sequence)
					.array();
				return new byte[][] { this.sender.context().seal(sequence, NO_AAD, compressed), metadata };
			}
			catch (IOException | GeneralSecurityException ex) {
				throw new IllegalStateException("Cannot seal a scrape with HPKE", ex);
			}
		}

	}

	/**
	 * The proxy's side, one per connection. A connection's context is set by the first scrape that
	 * opens (a client seals everything it sends over a connection in one context); after that, a
	 * scrape sealed in another context, or with a sequence number already opened (a window of 64),
	 * is refused, so a captured scrape cannot be replayed.
	 */
	public static final class Opener {

		private static final int WINDOW = 64;

		private final AsymmetricCipherKeyPair proxyKeys;

		private byte @Nullable [] encapsulated;

		private HpkeSuite.@Nullable Context context;

		private long highest = -1;

		/** Bit i: sequence number {@code highest - i} has been opened. */
		private long opened;

		public Opener(AsymmetricCipherKeyPair proxyKeys) {
			this.proxyKeys = proxyKeys;
		}

		/**
		 * Opens a client's sealed scrape into the scrape's UTF-8 text.
		 * @param buffers given the text's length, a buffer at least that long to decompress it into
		 * @throws ScrapeRejectedException when the payload was not sealed to this key, was changed or
		 * replayed, or the scrape is over the limit (checked from snappy's header before decompressing)
		 */
		public synchronized ScrapeText decrypt(byte[] data, byte[] metadata, int maxScrapeBytes,
				IntFunction<byte[]> buffers) {
			if (data.length > maxScrapeBytes + 64L) {
				throw new ScrapeRejectedException("too_large",
						"sealed scrape of " + data.length + " bytes exceeds the limit of " + maxScrapeBytes);
			}
			if (metadata.length != METADATA_BYTES) {
				throw new ScrapeRejectedException("undecryptable", "sealed scrape metadata of " + metadata.length + " bytes");
			}
			byte[] encapsulatedKey = Arrays.copyOf(metadata, PUBLIC_KEY_BYTES);
			long sequence = ByteBuffer.wrap(metadata, PUBLIC_KEY_BYTES, Long.BYTES).getLong();
			if (this.encapsulated != null && !Arrays.equals(this.encapsulated, encapsulatedKey)) {
				throw new ScrapeRejectedException("replayed", "sealed scrape from another context than this connection's");
			}
			if (sequence < 0 || alreadyOpened(sequence)) {
				throw new ScrapeRejectedException("replayed", "sealed scrape " + sequence + " was already received");
			}
			byte[] compressed;
			try {
				HpkeSuite.Context opening = (this.context != null) ? this.context
						: HpkeSuite.receiver(encapsulatedKey, this.proxyKeys, INFO);
				compressed = opening.open(sequence, NO_AAD, data);
				// Only an authentic scrape sets the context and moves the window.
				this.encapsulated = encapsulatedKey;
				this.context = opening;
				markOpened(sequence);
			}
			catch (GeneralSecurityException | RuntimeException ex) {
				throw new ScrapeRejectedException("undecryptable",
						"sealed scrape does not open: it was changed, or sealed to another key");
			}
			return LegacyScrapeCipher.decompress(compressed, maxScrapeBytes, buffers);
		}

		private boolean alreadyOpened(long sequence) {
			if (sequence > this.highest) {
				return false;
			}
			long age = this.highest - sequence;
			return age >= WINDOW || (this.opened & (1L << age)) != 0;
		}

		private void markOpened(long sequence) {
			if (sequence > this.highest) {
				long shift = sequence - this.highest;
				this.opened = (shift >= WINDOW) ? 1 : (this.opened << shift) | 1;
				this.highest = sequence;
			}
			else {
				this.opened |= 1L << (this.highest - sequence);
			}
		}

	}

}
