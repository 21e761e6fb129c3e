package io.prometheusrelay.rsocket.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.function.IntFunction;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.xerial.snappy.Snappy;

/**
 * The scrape encryption of micrometer's prometheus-rsocket-proxy 1.x, kept byte-compatible so that
 * its published clients and proxies interoperate with ours, and confined to this class.
 * <p>
 * The proxy sends its RSA public key (X.509 encoding); the client answers each scrape with
 * {@code data = AES(snappy(scrape))} and {@code metadata = RSA-OAEP(aesKey)}, where "AES" is the JDK
 * default transformation (ECB, PKCS#5 padding, no integrity check) and RSA-OAEP is
 * {@code RSA/ECB/OAEPWithSHA-256AndMGF1Padding} as the JDK implements it (SHA-256 digest, MGF1 with
 * SHA-1). That gives confidentiality but no authenticity: a payload can be tampered with undetected
 * unless decryption happens to fail. Our own client and proxy negotiate an authenticated scheme
 * instead; this one is used only with peers that did not.
 */
public final class LegacyScrapeCipher {

	/** What a key payload says instead of a key when the proxy allows plaintext scrapes. */
	public static final String PLAINTEXT = "plaintext";

	private static final String RSA_OAEP = "RSA/ECB/OAEPWithSHA-256AndMGF1Padding";

	private static final String AES = "AES";

	private LegacyScrapeCipher() {
	}

	/**
	 * Encrypts a scrape as micrometer's client does.
	 * @return the payload's data (index 0) and metadata (index 1)
	 */
	public static byte[][] encrypt(String scrape, PublicKey proxyKey) {
		return encrypt(scrape.getBytes(StandardCharsets.UTF_8), proxyKey);
	}

	/** {@link #encrypt(String, PublicKey)} of a scrape's UTF-8 bytes. */
	public static byte[][] encrypt(byte[] scrape, PublicKey proxyKey) {
		try {
			KeyGenerator generator = KeyGenerator.getInstance(AES);
			generator.init(128);
			SecretKey key = generator.generateKey();
			Cipher aes = Cipher.getInstance(AES);
			aes.init(Cipher.ENCRYPT_MODE, key);
			byte[] data = aes.doFinal(Snappy.compress(scrape));
			Cipher rsa = Cipher.getInstance(RSA_OAEP);
			rsa.init(Cipher.ENCRYPT_MODE, proxyKey);
			return new byte[][] { data, rsa.doFinal(key.getEncoded()) };
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot encrypt a scrape with the legacy scheme", ex);
		}
	}

	/**
	 * Decrypts a client's scrape payload into the scrape's UTF-8 text.
	 * @param maxScrapeBytes largest decompressed scrape accepted; checked from snappy's header before
	 * anything that size is allocated
	 * @param buffers given the text's length, a buffer at least that long to decompress it into
	 * @throws ScrapeRejectedException when the payload cannot be decrypted or decompressed, or is too large
	 */
	public static ScrapeText decrypt(byte[] data, byte[] metadata, PrivateKey proxyKey, int maxScrapeBytes,
			IntFunction<byte[]> buffers) {
		if (data.length > maxScrapeBytes + 16L) {
			throw new ScrapeRejectedException("too_large",
					"encrypted scrape of " + data.length + " bytes exceeds the limit of " + maxScrapeBytes);
		}
		byte[] compressed;
		try {
			Cipher rsa = Cipher.getInstance(RSA_OAEP);
			rsa.init(Cipher.DECRYPT_MODE, proxyKey);
			byte[] keyBytes = rsa.doFinal(metadata);
			if (keyBytes.length != 16 && keyBytes.length != 24 && keyBytes.length != 32) {
				throw new ScrapeRejectedException("undecryptable", "wrapped key of " + keyBytes.length + " bytes");
			}
			Cipher aes = Cipher.getInstance(AES);
			aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyBytes, AES));
			compressed = aes.doFinal(data);
		}
		catch (GeneralSecurityException ex) {
			throw new ScrapeRejectedException("undecryptable", "scrape payload cannot be decrypted: " + ex.getMessage());
		}
		return decompress(compressed, maxScrapeBytes, buffers);
	}

	/** Decompresses a snappy block after checking its declared size against the limit. */
	static ScrapeText decompress(byte[] compressed, int maxScrapeBytes, IntFunction<byte[]> buffers) {
		try {
			int declared = Snappy.uncompressedLength(compressed);
			if (declared < 0 || declared > maxScrapeBytes) {
				throw new ScrapeRejectedException("too_large",
						"scrape of " + Integer.toUnsignedString(declared) + " bytes exceeds the limit of " + maxScrapeBytes);
			}
			byte[] text = buffers.apply(declared);
			if (text.length < declared) {
				throw new IllegalArgumentException("buffer of " + text.length + " bytes for a text of " + declared);
			}
			return new ScrapeText(text, Snappy.uncompress(compressed, 0, compressed.length, text, 0));
		}
		catch (IOException ex) {
			throw new ScrapeRejectedException("malformed", "scrape is not a valid snappy block: " + ex.getMessage());
		}
	}

	/** Reads the proxy's key payload: an X.509 RSA public key, or null when it says {@value #PLAINTEXT}. */
	public static @Nullable PublicKey readPublicKey(byte[] encoded) {
		if (PLAINTEXT.equals(new String(encoded, StandardCharsets.US_ASCII))) {
			return null;
		}
		try {
			return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(encoded));
		}
		catch (GeneralSecurityException ex) {
			throw new ScrapeRejectedException("malformed", "proxy key is not an X.509 RSA public key");
		}
	}

}
