package io.prometheusrelay.rsocket.wire;

import java.util.Map;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class HpkeScrapeCipherTests {

	private static final String SCRAPE = "# TYPE up gauge\nup{job=\"app\"} 1.0\n";

	private final AsymmetricCipherKeyPair proxyKeys = HpkeScrapeCipher.generateKeyPair();

	@Test
	void opensWhatItSeals() {
		byte[] publicKey = HpkeScrapeCipher.publicKey(this.proxyKeys);
		assertThat(publicKey).hasSize(HpkeScrapeCipher.PUBLIC_KEY_BYTES);
		byte[][] payload = HpkeScrapeCipher.encrypt(SCRAPE, publicKey);
		assertThat(HpkeScrapeCipher.decrypt(payload[0], payload[1], this.proxyKeys, 1 << 20, byte[]::new).utf8()).isEqualTo(SCRAPE);
	}

	@Test
	void rejectsAnyChangeToTheCiphertext() {
		byte[][] payload = HpkeScrapeCipher.encrypt(SCRAPE.repeat(10), HpkeScrapeCipher.publicKey(this.proxyKeys));
		for (int i = 0; i < payload[0].length; i += 7) {
			byte[] tampered = payload[0].clone();
			tampered[i] ^= 1;
			assertThatExceptionOfType(ScrapeRejectedException.class)
				.isThrownBy(() -> HpkeScrapeCipher.decrypt(tampered, payload[1], this.proxyKeys, 1 << 20, byte[]::new))
				.satisfies(ex -> assertThat(ex.reasonTag()).isEqualTo("undecryptable"));
		}
	}

	@Test
	void rejectsAPayloadSealedToAnotherKey() {
		byte[][] payload = HpkeScrapeCipher.encrypt(SCRAPE, HpkeScrapeCipher.publicKey(HpkeScrapeCipher.generateKeyPair()));
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> HpkeScrapeCipher.decrypt(payload[0], payload[1], this.proxyKeys, 1 << 20, byte[]::new));
	}

	@Test
	void refusesAScrapeOverTheLimit() {
		byte[][] payload = HpkeScrapeCipher.encrypt("x".repeat(2 << 20), HpkeScrapeCipher.publicKey(this.proxyKeys));
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> HpkeScrapeCipher.decrypt(payload[0], payload[1], this.proxyKeys, 1 << 20, byte[]::new))
			.satisfies(ex -> assertThat(ex.reasonTag()).isEqualTo("too_large"));
	}

	@Test
	void setupRoundTripsSchemeLabelsAndToken() {
		ClientSetup setup = new ClientSetup(ClientSetup.HPKE_SCHEME, Map.of("instance", "app 7", "zone", "a=b"), "s3cr=t");
		assertThat(ClientSetup.decode(setup.encode())).isEqualTo(setup);
	}

	@Test
	void setupRefusesInvalidLabelNames() {
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> ClientSetup.decode("scheme=x\nlabel.__name__=y\n"));
		assertThatExceptionOfType(ScrapeRejectedException.class).isThrownBy(() -> ClientSetup.decode("label.a=b\n"));
	}

}
