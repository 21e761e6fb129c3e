package io.prometheusrelay.proxy.rsocket;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;

import io.prometheusrelay.rsocket.wire.HpkeScrapeCipher;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;

/**
 * The proxy's keys: an RSA key pair for clients of the original scheme, generated once per process
 * at startup, not per connection on the accept path (the original generated one per connection:
 * seconds of CPU when a thousand clients connect at once); and an X25519 key pair for the
 * negotiated HPKE scheme.
 */
public final class ProxyKeys {

	private final KeyPair keyPair;

	private final byte[] encodedPublicKey;

	/** The negotiated scheme's X25519 key pair: cheap, so it is simply made at start too. */
	private final AsymmetricCipherKeyPair hpkeKeys = HpkeScrapeCipher.generateKeyPair();

	private final byte[] hpkePublicKey = HpkeScrapeCipher.publicKey(this.hpkeKeys);

	public ProxyKeys(int rsaKeyBits) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(rsaKeyBits);
			this.keyPair = generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("RSA is not available in this JVM", ex);
		}
		this.encodedPublicKey = this.keyPair.getPublic().getEncoded();
	}

	/** The public key as clients read it (X.509); a copy. */
	public byte[] encodedPublicKey() {
		return this.encodedPublicKey.clone();
	}

	PrivateKey privateKey() {
		return this.keyPair.getPrivate();
	}

	/** The X25519 public key clients of the negotiated scheme seal to; a copy. */
	public byte[] hpkePublicKey() {
		return this.hpkePublicKey.clone();
	}

	AsymmetricCipherKeyPair hpkeKeys() {
		return this.hpkeKeys;
	}

}
