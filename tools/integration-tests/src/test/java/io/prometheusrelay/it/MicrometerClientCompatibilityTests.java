package io.prometheusrelay.it;

import java.nio.file.Path;
import java.time.Duration;

import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.harness.ManagedProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Micrometer's published prometheus-rsocket-client 1.5.3, unchanged and in its own JVM with its own
 * classpath (built by tools/compat/micrometer-client-1.5.3), against this proxy.
 */
class MicrometerClientCompatibilityTests {

	private static final CompatModule MICROMETER_CLIENT = CompatModule.of("micrometer-client-1.5.3");

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path workDir;

	@Test
	void thePublishedClientIsScrapedAndItsDyingPushIsServedInExactlyTheNextScrape() throws Exception {
		InProcessProxy proxy = this.closeables.add(new InProcessProxy());
		int rsocketPort = proxy.rsocketPort();

		this.closeables.add(client(rsocketPort, "serving-app", "serve"));
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> proxy.connected().contains("compat_requests_total{app=\"serving-app\""));
		assertThat(proxy.connected()).containsPattern(
				"compat_requests_total\\{app=\"serving-app\",instance=\"rsocket-\\d+\"} 7\\.0");

		ManagedProcess dying = client(rsocketPort, "dying-app", "push");
		await().atMost(Duration.ofSeconds(30)).until(() -> !dying.isAlive());
		assertThat(dying.tail(20)).contains("PUSHED");
		String next = proxy.connected();
		assertThat(next).contains("compat_requests_total{app=\"dying-app\"").containsPattern(
				"compat_requests_total\\{app=\"dying-app\",instance=\"rsocket-\\d+\"} 42\\.0");
		assertThat(next).contains("compat_requests_total{app=\"serving-app\"");
		assertThat(proxy.connected()).doesNotContain("dying-app").contains("serving-app");
	}

	private ManagedProcess client(int port, String app, String mode) {
		return MICROMETER_CLIENT.start(app, "io.prometheusrelay.compat.CompatClientApp", this.workDir, "127.0.0.1",
				Integer.toString(port), app, mode);
	}

}
