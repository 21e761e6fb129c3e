package io.prometheusrelay.rsocket.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.function.IntFunction;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.xerial.snappy.Snappy;

/**
 * The scheme this project's client and proxy negotiate: HPKE (RFC 9180) in base mode with X25519,
 * HKDF-SHA256 and AES-128-GCM, over the snappy-compressed scrape. Unlike the original scheme, it is
 * authenticated: a payload changed in transit does not decrypt.
 * <p>
 * The proxy's key payload is its 32-byte X25519 public key; a scrape payload is
 * {@code data = ciphertext}, {@code metadata = encapsulated key}.
 */
public final class HpkeScrapeCipher {

	/** Bytes of an X25519 public key: how a client tells this scheme's key from an RSA one. */
	public static final int PUBLIC_KEY_BYTES = 32;

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

	/**
	 * Seals a scrape to the proxy's public key.
	 * @return the payload's data (index 0) and metadata (index 1)
	 */
	public static byte[][] encrypt(String scrape, byte[] proxyPublicKey) {
		HPKE hpke = hpke();
		try {
			byte[] compressed = Snappy.compress(scrape.getBytes(StandardCharsets.UTF_8));
			byte[][] sealed = hpke.seal(hpke.deserializePublicKey(proxyPublicKey), INFO, NO_AAD, compressed, null, null,
					null);
			return new byte[][] { sealed[0], sealed[1] };
		}
		catch (IOException | InvalidCipherTextException | RuntimeException ex) {
			throw new IllegalStateException("Cannot seal a scrape with HPKE", ex);
		}
	}

	/**
	 * Opens a client's sealed scrape into the scrape's UTF-8 text.
	 * @param buffers given the text's length, a buffer at least that long to decompress it into
	 * @throws ScrapeRejectedException when the payload was not sealed to this key or was changed, or
	 * the scrape is over the limit (checked from snappy's header before decompressing)
	 */
	public static ScrapeText decrypt(byte[] data, byte[] metadata, AsymmetricCipherKeyPair proxyKeys, int maxScrapeBytes,
			IntFunction<byte[]> buffers) {
		if (data.length > maxScrapeBytes + 64L) {
			throw new ScrapeRejectedException("too_large",
					"sealed scrape of " + data.length + " bytes exceeds the limit of " + maxScrapeBytes);
		}
		byte[] compressed;
		try {
			compressed = HpkeOpener.open(metadata, proxyKeys, INFO, NO_AAD, data);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new ScrapeRejectedException("undecryptable", "sealed scrape does not open: it was changed, or sealed to another key");
		}
		return LegacyScrapeCipher.decompress(compressed, maxScrapeBytes, buffers);
	}

}
