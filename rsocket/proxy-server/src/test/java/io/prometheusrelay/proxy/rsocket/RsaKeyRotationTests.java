package io.prometheusrelay.proxy.rsocket;

import java.time.Duration;
import java.util.Arrays;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RsaKeyRotationTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ProxyMetrics metrics = new ProxyMetrics(
			new ConnectionRegistry(10, new DyingPushLimits(Duration.ofMinutes(1), 10, 1 << 20), java.time.Clock.systemUTC()));

	{
		this.metrics.bindTo(this.registry);
	}

	@Test
	void replacesTheKeyOnScheduleAndKeepsThePreviousOne() {
		ProxyKeys keys = new ProxyKeys(1024);
		byte[] first = keys.encodedPublicKey();
		try (RsaKeyRotation rotation = new RsaKeyRotation(keys, this.metrics, Duration.ofMillis(100))) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.registry.counter("relay.proxy.rsa.key.rotations").count() >= 2);
		}
		assertThat(keys.encodedPublicKey()).isNotEqualTo(first);
		ProxyKeys.RsaKeys rsa = keys.rsa();
		assertThat(rsa.previous()).isNotNull();
		assertThat(Arrays.equals(rsa.previous().getPublic().getEncoded(), rsa.current().getPublic().getEncoded()))
			.isFalse();
	}

	@Test
	void zeroIntervalNeverRotates() throws InterruptedException {
		ProxyKeys keys = new ProxyKeys(1024);
		byte[] first = keys.encodedPublicKey();
		try (RsaKeyRotation rotation = new RsaKeyRotation(keys, this.metrics, Duration.ZERO)) {
			Thread.sleep(200);
		}
		assertThat(keys.encodedPublicKey()).isEqualTo(first);
		assertThat(keys.rsa().previous()).isNull();
	}

}
