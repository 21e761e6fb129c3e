package io.prometheusrelay.rsocket.wire;

import java.security.GeneralSecurityException;
import java.util.Random;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Against an independent implementation of RFC 9180: BouncyCastle's HPKE, sealing and opening. */
class HpkeSuiteTests {

	private final HPKE hpke = new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256,
			HPKE.aead_AES_GCM128);

	private final Random random = new Random(42);

	@Test
	void opensWhatBouncyCastleSealsForAnyInfoAadAndLength() throws Exception {
		for (int i = 0; i < 50; i++) {
			AsymmetricCipherKeyPair recipient = this.hpke.generatePrivateKey();
			byte[] info = bytes(this.random.nextInt(40));
			byte[] aad = bytes(this.random.nextInt(20));
			byte[] plaintext = bytes(this.random.nextInt(5000));
			byte[][] sealed = this.hpke.seal(recipient.getPublic(), info, aad, plaintext, null, null, null);
			assertThat(HpkeSuite.open(sealed[1], recipient, info, aad, sealed[0])).isEqualTo(plaintext);
			assertThat(this.hpke.open(sealed[1], recipient, info, aad, sealed[0], null, null, null)).isEqualTo(plaintext);
		}
	}

	@Test
	void opensEveryMessageOfABouncyCastleContextBySequenceNumber() throws Exception {
		AsymmetricCipherKeyPair recipient = this.hpke.generatePrivateKey();
		byte[] info = bytes(12);
		org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation sender = this.hpke.setupBaseS(recipient.getPublic(), info);
		HpkeSuite.Context receiver = HpkeSuite.receiver(sender.getEncapsulation(), recipient, info);
		for (int sequence = 0; sequence < 5; sequence++) {
			byte[] plaintext = bytes(100 + sequence);
			assertThat(receiver.open(sequence, new byte[0], sender.seal(new byte[0], plaintext))).isEqualTo(plaintext);
		}
	}

	@Test
	void sealsWhatBouncyCastleOpens() throws Exception {
		for (int i = 0; i < 50; i++) {
			AsymmetricCipherKeyPair recipient = this.hpke.generatePrivateKey();
			byte[] info = bytes(this.random.nextInt(40));
			byte[] aad = bytes(this.random.nextInt(20));
			byte[] plaintext = bytes(this.random.nextInt(5000));
			byte[][] sealed = HpkeSuite.seal(this.hpke.serializePublicKey(recipient.getPublic()), info, aad, plaintext);
			assertThat(this.hpke.open(sealed[1], recipient, info, aad, sealed[0], null, null, null)).isEqualTo(plaintext);
		}
	}

	@Test
	void doesNotOpenWithAnotherInfoAadOrEncapsulation() throws Exception {
		AsymmetricCipherKeyPair recipient = this.hpke.generatePrivateKey();
		byte[][] sealed = this.hpke.seal(recipient.getPublic(), bytes(8), bytes(4), bytes(100), null, null, null);
		byte[] otherEnc = sealed[1].clone();
		otherEnc[5] ^= 1;
		assertThatExceptionOfType(GeneralSecurityException.class)
			.isThrownBy(() -> HpkeSuite.open(sealed[1], recipient, bytes(8), new byte[4], sealed[0]));
		assertThatExceptionOfType(GeneralSecurityException.class)
			.isThrownBy(() -> HpkeSuite.open(otherEnc, recipient, bytes(8), bytes(4), sealed[0]));
		assertThatExceptionOfType(GeneralSecurityException.class)
			.isThrownBy(() -> HpkeSuite.open(new byte[31], recipient, bytes(8), bytes(4), sealed[0]));
	}

	private byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		new Random(length).nextBytes(bytes);
		return bytes;
	}

}
