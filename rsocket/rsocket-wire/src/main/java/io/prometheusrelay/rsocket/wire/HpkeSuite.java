package io.prometheusrelay.rsocket.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * RFC 9180 base mode for the one suite this project uses:
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM. BouncyCastle does the X25519; the key
 * schedule is the RFC's, on the JDK's HMAC; the AEAD is the JDK's AES-GCM, which uses the CPU's AES
 * and carry-less multiply instructions (about eight times BouncyCastle's pure-Java GCM on a scrape):
 * a proxy opens a thousand of these every scrape, and every application seals one. Tested both ways
 * against BouncyCastle's own HPKE.
 */
final class HpkeSuite {

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

	private static final SecureRandom RANDOM = new SecureRandom();

	private HpkeSuite() {
	}

	/** Sets up a sender's context to the recipient's public key: a fresh ephemeral key, one X25519 exchange. */
	static Sender sender(byte[] recipientPublicKey, byte[] info) throws GeneralSecurityException {
		X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(RANDOM);
		byte[] encapsulated = ephemeral.generatePublicKey().getEncoded();
		byte[] dh = agree(ephemeral, publicKey(recipientPublicKey));
		return new Sender(encapsulated, context(sharedSecret(dh, encapsulated, recipientPublicKey), info));
	}

	/** Sets up the recipient's context for a sender's encapsulated key. */
	static Context receiver(byte[] encapsulated, AsymmetricCipherKeyPair recipient, byte[] info)
			throws GeneralSecurityException {
		byte[] recipientPublicKey = ((X25519PublicKeyParameters) recipient.getPublic()).getEncoded();
		byte[] dh = agree(recipient.getPrivate(), publicKey(encapsulated));
		return context(sharedSecret(dh, encapsulated, recipientPublicKey), info);
	}

	/** Single-shot seal: a new context, sequence number 0. Returns the ciphertext and the encapsulated key. */
	static byte[][] seal(byte[] recipientPublicKey, byte[] info, byte[] aad, byte[] plaintext)
			throws GeneralSecurityException {
		Sender sender = sender(recipientPublicKey, info);
		return new byte[][] { sender.context().seal(0, aad, plaintext), sender.encapsulated() };
	}

	/** Single-shot open: sequence number 0. */
	static byte[] open(byte[] encapsulated, AsymmetricCipherKeyPair recipient, byte[] info, byte[] aad, byte[] ciphertext)
			throws GeneralSecurityException {
		return receiver(encapsulated, recipient, info).open(0, aad, ciphertext);
	}

	/** The key schedule of base mode: the AEAD key and base nonce. */
	private static Context context(byte[] sharedSecret, byte[] info) throws GeneralSecurityException {
		byte[] context = keyScheduleContext(info);
		byte[] secret = labeledExtract(HPKE_SUITE, sharedSecret, "secret", EMPTY);
		return new Context(labeledExpand(HPKE_SUITE, secret, "key", context, KEY_BYTES),
				labeledExpand(HPKE_SUITE, secret, "base_nonce", context, NONCE_BYTES));
	}

	/** A sender's encapsulated key (sent to the recipient) and its context. */
	record Sender(byte[] encapsulated, Context context) {
	}

	/**
	 * An HPKE context: one key, and a nonce per sequence number (the base nonce XOR the number), so
	 * that many messages share one X25519 exchange. A sequence number must never be used twice.
	 */
	static final class Context {

		private final SecretKeySpec key;

		private final byte[] baseNonce;

		Context(byte[] key, byte[] baseNonce) {
			this.key = new SecretKeySpec(key, "AES");
			this.baseNonce = baseNonce;
		}

		byte[] seal(long sequence, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
			return aead(Cipher.ENCRYPT_MODE, sequence, aad, plaintext);
		}

		byte[] open(long sequence, byte[] aad, byte[] ciphertext) throws GeneralSecurityException {
			return aead(Cipher.DECRYPT_MODE, sequence, aad, ciphertext);
		}

		private byte[] aead(int mode, long sequence, byte[] aad, byte[] input) throws GeneralSecurityException {
			byte[] nonce = this.baseNonce.clone();
			for (int i = 0; i < 8; i++) {
				nonce[NONCE_BYTES - 1 - i] ^= (byte) (sequence >>> (8 * i));
			}
			Cipher aead = AES_GCM.get();
			aead.init(mode, this.key, new GCMParameterSpec(128, nonce));
			aead.updateAAD(aad);
			return aead.doFinal(input);
		}

	}

	private static X25519PublicKeyParameters publicKey(byte[] encoded) throws GeneralSecurityException {
		if (encoded.length != X25519PublicKeyParameters.KEY_SIZE) {
			throw new GeneralSecurityException("X25519 public key of " + encoded.length + " bytes");
		}
		return new X25519PublicKeyParameters(encoded, 0);
	}

	private static byte[] agree(CipherParameters privateKey, X25519PublicKeyParameters publicKey)
			throws GeneralSecurityException {
		byte[] dh = new byte[32];
		try {
			X25519Agreement agreement = new X25519Agreement();
			agreement.init(privateKey);
			// Rejects small-order points (an all-zero result), as RFC 9180 requires.
			agreement.calculateAgreement(publicKey, dh, 0);
		}
		catch (IllegalStateException ex) {
			throw new GeneralSecurityException("X25519 agreement failed", ex);
		}
		return dh;
	}

	/** DHKEM's ExtractAndExpand over the DH result, with kem_context = enc || pkR. */
	private static byte[] sharedSecret(byte[] dh, byte[] encapsulated, byte[] recipientPublicKey)
			throws GeneralSecurityException {
		byte[] eaePrk = labeledExtract(KEM_SUITE, EMPTY, "eae_prk", dh);
		return labeledExpand(KEM_SUITE, eaePrk, "shared_secret", concat(encapsulated, recipientPublicKey), 32);
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
