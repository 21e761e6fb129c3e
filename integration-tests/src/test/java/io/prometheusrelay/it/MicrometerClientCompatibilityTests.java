package io.prometheusrelay.it;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.prometheusrelay.proxy.ProxyServerApplication;
import io.prometheusrelay.proxy.rsocket.RSocketServers;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.testsupport.ManagedProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Micrometer's published prometheus-rsocket-client 1.5.3, unchanged and in its own JVM with its own
 * classpath (built by compat/micrometer-client-1.5.3), against this proxy.
 */
class MicrometerClientCompatibilityTests {

	private static final Path COMPAT = Path.of("..", "compat", "micrometer-client-1.5.3", "target")
		.toAbsolutePath()
		.normalize();

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path workDir;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void thePublishedClientIsScrapedAndItsDyingPushIsServedInExactlyTheNextScrape() throws Exception {
		ConfigurableApplicationContext proxy = ProxyServerApplication.application()
			.run("--server.port=0", "--relay.proxy.tcp-port=0", "--relay.proxy.websocket-port=0",
					"--relay.proxy.host=127.0.0.1");
		this.closeables.add(proxy::close);
		int rsocketPort = proxy.getBean(RSocketServers.class).tcpPort();
		String connected = "http://127.0.0.1:" + proxy.getEnvironment().getProperty("local.server.port")
				+ "/metrics/connected";

		this.closeables.add(client(rsocketPort, "serving-app", "serve"));
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> get(connected).contains("compat_requests_total{app=\"serving-app\""));
		assertThat(get(connected)).containsPattern(
				"compat_requests_total\\{app=\"serving-app\",instance=\"rsocket-\\d+\"} 7\\.0");

		ManagedProcess dying = client(rsocketPort, "dying-app", "push");
		await().atMost(Duration.ofSeconds(30)).until(() -> !dying.isAlive());
		assertThat(dying.tail(20)).contains("PUSHED");
		String next = get(connected);
		assertThat(next).contains("compat_requests_total{app=\"dying-app\"").containsPattern(
				"compat_requests_total\\{app=\"dying-app\",instance=\"rsocket-\\d+\"} 42\\.0");
		assertThat(next).contains("compat_requests_total{app=\"serving-app\"");
		assertThat(get(connected)).doesNotContain("dying-app").contains("serving-app");
	}

	private ManagedProcess client(int port, String app, String mode) {
		String classpath = COMPAT.resolve("classes") + File.pathSeparator + COMPAT.resolve("classpath") + File.separator + "*";
		assertThat(Files.isDirectory(COMPAT.resolve("classpath"))).as("built by compat/micrometer-client-1.5.3").isTrue();
		return ManagedProcess.start(app, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx128m", "-cp", classpath, "io.prometheusrelay.compat.CompatClientApp", "127.0.0.1",
				Integer.toString(port), app, mode), this.workDir);
	}

	private String get(String url) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url))
			.header("X-Prometheus-Scrape-Timeout-Seconds", "10")
			.timeout(Duration.ofSeconds(20))
			.build(), HttpResponse.BodyHandlers.ofString()).body();
	}

}
