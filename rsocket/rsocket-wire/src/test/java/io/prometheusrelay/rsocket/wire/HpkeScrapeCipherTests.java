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
	void sealsAConnectionsScrapesInOneContextAndRefusesReplays() {
		HpkeScrapeCipher.Sealer sealer = new HpkeScrapeCipher.Sealer(HpkeScrapeCipher.publicKey(this.proxyKeys));
		HpkeScrapeCipher.Opener opener = new HpkeScrapeCipher.Opener(this.proxyKeys);
		byte[][] first = sealer.encrypt("a 1\n");
		byte[][] second = sealer.encrypt("a 2\n");
		byte[][] third = sealer.encrypt("a 3\n");
		// One exchange: the same encapsulated key, the next sequence number.
		assertThat(java.util.Arrays.copyOf(second[1], 32)).isEqualTo(java.util.Arrays.copyOf(first[1], 32));
		assertThat(opener.decrypt(first[0], first[1], 1 << 20, byte[]::new).utf8()).isEqualTo("a 1\n");
		// Out of order within the window is fine (two scrapes answered in the other order).
		assertThat(opener.decrypt(third[0], third[1], 1 << 20, byte[]::new).utf8()).isEqualTo("a 3\n");
		assertThat(opener.decrypt(second[0], second[1], 1 << 20, byte[]::new).utf8()).isEqualTo("a 2\n");
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> opener.decrypt(second[0], second[1], 1 << 20, byte[]::new))
			.satisfies(ex -> assertThat(ex.reasonTag()).isEqualTo("replayed"));
		byte[][] otherContext = HpkeScrapeCipher.encrypt("a 9\n", HpkeScrapeCipher.publicKey(this.proxyKeys));
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> opener.decrypt(otherContext[0], otherContext[1], 1 << 20, byte[]::new))
			.satisfies(ex -> assertThat(ex.reasonTag()).isEqualTo("replayed"));
	}

	@Test
	void aForgedScrapeMovesNothing() {
		HpkeScrapeCipher.Sealer sealer = new HpkeScrapeCipher.Sealer(HpkeScrapeCipher.publicKey(this.proxyKeys));
		HpkeScrapeCipher.Opener opener = new HpkeScrapeCipher.Opener(this.proxyKeys);
		byte[][] real = sealer.encrypt("a 1\n");
		byte[][] forged = HpkeScrapeCipher.encrypt("a 666\n", HpkeScrapeCipher.publicKey(HpkeScrapeCipher.generateKeyPair()));
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> opener.decrypt(forged[0], forged[1], 1 << 20, byte[]::new));
		// The forged context was not adopted: the real one still opens.
		assertThat(opener.decrypt(real[0], real[1], 1 << 20, byte[]::new).utf8()).isEqualTo("a 1\n");
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
