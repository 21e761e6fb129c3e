package io.prometheusrelay.rsocket.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * The receiving side of RFC 9180 base mode for the one suite this project uses: DHKEM(X25519,
 * HKDF-SHA256), HKDF-SHA256, AES-128-GCM, single-shot (sequence number 0). BouncyCastle does the
 * X25519; the key schedule is the RFC's, on the JDK's HMAC; the AEAD is the JDK's AES-GCM, which
 * uses the CPU's AES and carry-less multiply instructions (about eight times BouncyCastle's
 * pure-Java GCM on a scrape): a proxy opens a thousand of these every scrape. Tested against
 * BouncyCastle's own HPKE, which seals.
 */
final class HpkeOpener {

	private static final byte[] KEM_SUITE = { 'K', 'E', 'M', 0x00, 0x20 };

	/** "HPKE", kem 0x0020 (X25519, HKDF-SHA256), kdf 0x0001 (HKDF-SHA256), aead 0x0001 (AES-128-GCM). */
	private static final byte[] HPKE_SUITE = { 'H', 'P', 'K', 'E', 0x00, 0x20, 0x00, 0x01, 0x00, 0x01 };

	private static final byte[] VERSION = "HPKE-v1".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] EMPTY = new byte[0];

	private static final int KEY_BYTES = 16;

	private static final int NONCE_BYTES = 12;

	private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> instance(() -> Mac.getInstance("HmacSHA256")));

	private static final ThreadLocal<Cipher> AES_GCM = ThreadLocal
		.withInitial(() -> instance(() -> Cipher.getInstance("AES/GCM/NoPadding")));

	private HpkeOpener() {
	}

	/**
	 * Opens a single-shot HPKE ciphertext.
	 * @throws GeneralSecurityException when it does not open: changed, or sealed to another key
	 */
	static byte[] open(byte[] encapsulated, AsymmetricCipherKeyPair recipient, byte[] info, byte[] aad, byte[] ciphertext)
			throws GeneralSecurityException {
		byte[] sharedSecret = decapsulate(encapsulated, recipient);
		byte[] context = keyScheduleContext(info);
		byte[] secret = labeledExtract(HPKE_SUITE, sharedSecret, "secret", EMPTY);
		byte[] key = labeledExpand(HPKE_SUITE, secret, "key", context, KEY_BYTES);
		byte[] nonce = labeledExpand(HPKE_SUITE, secret, "base_nonce", context, NONCE_BYTES);
		Cipher aead = AES_GCM.get();
		aead.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
		aead.updateAAD(aad);
		return aead.doFinal(ciphertext);
	}

	/** DHKEM Decap: DH with the sender's ephemeral key, then ExtractAndExpand over enc || pkR. */
	private static byte[] decapsulate(byte[] encapsulated, AsymmetricCipherKeyPair recipient)
			throws GeneralSecurityException {
		if (encapsulated.length != X25519PublicKeyParameters.KEY_SIZE) {
			throw new GeneralSecurityException("encapsulated key of " + encapsulated.length + " bytes");
		}
		byte[] dh = new byte[32];
		try {
			X25519Agreement agreement = new X25519Agreement();
			agreement.init(recipient.getPrivate());
			// Rejects small-order points (an all-zero result), as RFC 9180 requires.
			agreement.calculateAgreement(new X25519PublicKeyParameters(encapsulated, 0), dh, 0);
		}
		catch (IllegalStateException ex) {
			throw new GeneralSecurityException("X25519 agreement failed", ex);
		}
		byte[] kemContext = concat(encapsulated, ((X25519PublicKeyParameters) recipient.getPublic()).getEncoded());
		byte[] eaePrk = labeledExtract(KEM_SUITE, EMPTY, "eae_prk", dh);
		return labeledExpand(KEM_SUITE, eaePrk, "shared_secret", kemContext, 32);
	}

	/** mode_base (0) || psk_id_hash || info_hash. */
	private static byte[] keyScheduleContext(byte[] info) throws GeneralSecurityException {
		byte[] pskIdHash = labeledExtract(HPKE_SUITE, EMPTY, "psk_id_hash", EMPTY);
		byte[] infoHash = labeledExtract(HPKE_SUITE, EMPTY, "info_hash", info);
		return concat(new byte[] { 0 }, pskIdHash, infoHash);
	}

	private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm)
			throws GeneralSecurityException {
		Mac hmac = HMAC.get();
		// HKDF-Extract: HMAC keyed with the salt, or with HashLen zeros when there is none.
		hmac.init(new SecretKeySpec((salt.length == 0) ? new byte[32] : salt, "HmacSHA256"));
		hmac.update(VERSION);
		hmac.update(suite);
		hmac.update(label.getBytes(StandardCharsets.US_ASCII));
		return hmac.doFinal(ikm);
	}

	/** HKDF-Expand for at most one block (32 bytes), which is all this suite needs. */
	private static byte[] labeledExpand(byte[] suite, byte[] prk, String label, byte[] info, int length)
			throws GeneralSecurityException {
		Mac hmac = HMAC.get();
		hmac.init(new SecretKeySpec(prk, "HmacSHA256"));
		hmac.update(new byte[] { (byte) (length >>> 8), (byte) length });
		hmac.update(VERSION);
		hmac.update(suite);
		hmac.update(label.getBytes(StandardCharsets.US_ASCII));
		hmac.update(info);
		hmac.update((byte) 1);
		byte[] block = hmac.doFinal();
		return (length == block.length) ? block : java.util.Arrays.copyOf(block, length);
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static <T> T instance(CryptoSupplier<T> supplier) {
		try {
			return supplier.get();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("The JDK lacks " + ex.getMessage(), ex);
		}
	}

	private interface CryptoSupplier<T> {

		T get() throws GeneralSecurityException;

	}

}
