package io.prometheusrelay.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.prometheusrelay.proxy.rsocket.RSocketServers;
import io.prometheusrelay.testsupport.Closeables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A flood of applications that connect, push a large last scrape and disconnect, with no scrape
 * coming for them: the pushes held stay within {@code max-dying-pushes} and
 * {@code max-dying-push-size}, the others are refused and counted, and what is held is dropped when
 * its time to live passes, without a scrape.
 */
class DyingPushLimitsTests {

	private static final int PUSH_BYTES = 4 << 20;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void pushesOfDepartedApplicationsAreHeldWithinTheLimitsAndExpireOnATimer() throws Exception {
		ConfigurableApplicationContext proxy = ProxyServerApplication.application()
			.run("--server.port=0", "--relay.proxy.tcp-port=0", "--relay.proxy.websocket-port=0",
					"--relay.proxy.host=127.0.0.1", "--relay.proxy.max-dying-pushes=3",
					"--relay.proxy.max-dying-push-size=10MB", "--relay.proxy.dying-push-ttl=3s");
		this.closeables.add(proxy::close);
		String url = "http://127.0.0.1:" + proxy.getEnvironment().getProperty("local.server.port") + "/metrics/proxy";
		int port = proxy.getBean(RSocketServers.class).tcpPort();
		String push = "# TYPE big gauge\nbig{padding=\"" + "x".repeat(PUSH_BYTES) + "\"} 1\n";
		int refused = 0;
		for (int i = 0; i < 8; i++) {
			LegacyTestClient departing = this.closeables.add(LegacyTestClient.connect(port, "alive 1\n"));
			await().atMost(Duration.ofSeconds(5)).until(departing::hasKey);
			try {
				departing.pushAndClose(push);
			}
			catch (RuntimeException ex) {
				assertThat(ex).hasMessageContaining("max-dying-push-size");
				refused++;
			}
			String metrics = get(url);
			assertThat(gauge(metrics, "relay_proxy_dying_pushes_held_bytes")).isLessThanOrEqualTo(10 << 20);
			assertThat(gauge(metrics, "relay_proxy_dying_pushes")).isLessThanOrEqualTo(3);
		}
		// Two 4 MiB pushes fit in 10 MB; a third would not.
		assertThat(refused).isEqualTo(6);
		String metrics = get(url);
		assertThat(gauge(metrics, "relay_proxy_dying_pushes")).isEqualTo(2);
		assertThat(metrics).containsPattern("relay_proxy_client_scrapes_total\\{[^}]*outcome=\"push_over_budget\"} 6");
		// No scrape comes: the timer drops them once their time to live has passed.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			String later = get(url);
			assertThat(gauge(later, "relay_proxy_dying_pushes")).isZero();
			assertThat(gauge(later, "relay_proxy_dying_pushes_held_bytes")).isZero();
			assertThat(gauge(later, "relay_proxy_dying_pushes_expired_total")).isEqualTo(2);
		});
	}

	private String get(String url) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private static double gauge(String metrics, String name) {
		return metrics.lines()
			.filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

}
