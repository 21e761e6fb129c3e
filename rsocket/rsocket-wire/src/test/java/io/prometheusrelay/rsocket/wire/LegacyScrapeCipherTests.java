package io.prometheusrelay.rsocket.wire;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LegacyScrapeCipherTests {

	private static KeyPair proxyKeys;

	private static final String SCRAPE = "# HELP up Whether the target is up\n# TYPE up gauge\nup{job=\"app\"} 1.0\n";

	@BeforeAll
	static void generateKeys() throws Exception {
		// Key generation is slow (RSA); once for the class, as the proxy does once per process.
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		proxyKeys = generator.generateKeyPair();
	}

	@Test
	void decryptsWhatItEncrypts() {
		byte[][] payload = LegacyScrapeCipher.encrypt(SCRAPE, proxyKeys.getPublic());
		assertThat(LegacyScrapeCipher.decrypt(payload[0], payload[1], proxyKeys.getPrivate(), 1 << 20, byte[]::new).utf8()).isEqualTo(SCRAPE);
	}

	@Test
	void readsTheKeyPayloadTheProxySends() {
		assertThat(LegacyScrapeCipher.readPublicKey(proxyKeys.getPublic().getEncoded())).isEqualTo(proxyKeys.getPublic());
		assertThat(LegacyScrapeCipher.readPublicKey("plaintext".getBytes(StandardCharsets.US_ASCII))).isNull();
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> LegacyScrapeCipher.readPublicKey(new byte[] { 1, 2, 3 }));
	}

	@Test
	void rejectsAPayloadForAnotherKey() throws Exception {
		KeyPair other = KeyPairGenerator.getInstance("RSA").generateKeyPair();
		byte[][] payload = LegacyScrapeCipher.encrypt(SCRAPE, other.getPublic());
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> LegacyScrapeCipher.decrypt(payload[0], payload[1], proxyKeys.getPrivate(), 1 << 20, byte[]::new))
			.satisfies(ex -> assertThat(ex.reasonTag()).isEqualTo("undecryptable"));
	}

	@Test
	void rejectsATamperedWrappedKey() {
		byte[][] payload = LegacyScrapeCipher.encrypt(SCRAPE, proxyKeys.getPublic());
		payload[1][10] ^= 1;
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> LegacyScrapeCipher.decrypt(payload[0], payload[1], proxyKeys.getPrivate(), 1 << 20, byte[]::new))
			.satisfies(ex -> assertThat(ex.reasonTag()).isEqualTo("undecryptable"));
	}

	@Test
	void tamperedDataIsNotReliablyDetectedWhichIsWhyTheSchemeIsConfined() {
		byte[][] payload = LegacyScrapeCipher.encrypt(SCRAPE.repeat(10), proxyKeys.getPublic());
		payload[0][20] ^= 1;
		ScrapeText result;
		try {
			result = LegacyScrapeCipher.decrypt(payload[0], payload[1], proxyKeys.getPrivate(), 1 << 20, byte[]::new);
		}
		catch (ScrapeRejectedException ex) {
			return; // caught this time, by luck of the snappy decoder
		}
		assertThat(result.utf8()).isNotEqualTo(SCRAPE.repeat(10));
	}

	@Test
	void refusesAScrapeOverTheLimitBeforeDecompressingIt() {
		byte[][] payload = LegacyScrapeCipher.encrypt("x".repeat(2 << 20), proxyKeys.getPublic());
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> LegacyScrapeCipher.decrypt(payload[0], payload[1], proxyKeys.getPrivate(), 1 << 20, byte[]::new))
			.satisfies(ex -> assertThat(ex.reasonTag()).isEqualTo("too_large"));
	}

	@Test
	void refusesASnappyHeaderDeclaringGigabytesWithoutAllocatingThem() {
		byte[] declares4GiB = { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0 };
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> LegacyScrapeCipher.decompress(declares4GiB, 1 << 20, byte[]::new))
			.satisfies(ex -> assertThat(ex.reasonTag()).isEqualTo("too_large"));
	}

}
