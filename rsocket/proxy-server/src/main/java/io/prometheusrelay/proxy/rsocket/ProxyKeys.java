package io.prometheusrelay.proxy.rsocket;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;

import io.prometheusrelay.rsocket.wire.HpkeScrapeCipher;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.jspecify.annotations.Nullable;

/**
 * The proxy's keys: an RSA key pair for clients of the original scheme, generated at startup and on
 * rotation, never per connection on the accept path (the original generated one per connection:
 * seconds of CPU when a thousand clients connect at once); and an X25519 key pair for the
 * negotiated HPKE scheme.
 * <p>
 * The RSA public key goes out with every scrape request, so after a rotation each client encrypts
 * to the new key from its next scrape on. The previous private key is kept until the rotation after,
 * for answers already on their way and for pushes sealed to the key a client last saw.
 */
public final class ProxyKeys {

	private final int rsaKeyBits;

	private volatile RsaKeys rsa;

	/** The negotiated scheme's X25519 key pair: cheap, so it is simply made at start too. */
	private final AsymmetricCipherKeyPair hpkeKeys = HpkeScrapeCipher.generateKeyPair();

	private final byte[] hpkePublicKey = HpkeScrapeCipher.publicKey(this.hpkeKeys);

	public ProxyKeys(int rsaKeyBits) {
		this.rsaKeyBits = rsaKeyBits;
		this.rsa = new RsaKeys(generateRsa(rsaKeyBits), null);
	}

	/** Replaces the RSA key pair; the previous private key still decrypts until the next rotation. */
	public void rotateRsa() {
		KeyPair next = generateRsa(this.rsaKeyBits);
		synchronized (this) {
			this.rsa = new RsaKeys(next, this.rsa.current());
		}
	}

	/** The current RSA public key as clients read it (X.509); a copy. */
	public byte[] encodedPublicKey() {
		return this.rsa.current().getPublic().getEncoded();
	}

	/** The current and the previous RSA key pairs, read together. */
	RsaKeys rsa() {
		return this.rsa;
	}

	/** The X25519 public key clients of the negotiated scheme seal to; a copy. */
	public byte[] hpkePublicKey() {
		return this.hpkePublicKey.clone();
	}

	AsymmetricCipherKeyPair hpkeKeys() {
		return this.hpkeKeys;
	}

	private static KeyPair generateRsa(int bits) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(bits);
			return generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("RSA is not available in this JVM", ex);
		}
	}

	/** The RSA key pair in use, and the one before it (none before the first rotation). */
	record RsaKeys(KeyPair current, @Nullable KeyPair previous) {

		PrivateKey currentPrivate() {
			return this.current.getPrivate();
		}

	}

}
