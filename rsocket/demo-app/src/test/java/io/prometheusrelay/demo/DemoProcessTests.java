package io.prometheusrelay.demo;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.proxy.ProxyServerApplication;
import io.prometheusrelay.proxy.rsocket.RSocketServers;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.ManagedProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The demo applications as real processes, the way they are run: a job that exits, a service that is stopped. */
class DemoProcessTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path logs;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void theJobsLastMetricsAreInTheNextScrapeAfterItsProcessExited() throws Exception {
		ConfigurableApplicationContext proxy = ProxyServerApplication.application()
			.run("--server.port=0", "--relay.proxy.tcp-port=0", "--relay.proxy.websocket-port=0",
					"--relay.proxy.host=127.0.0.1", "--management.metrics.export.prometheus.rsocket.enabled=false");
		this.closeables.add(proxy::close);
		ManagedProcess job = this.closeables.add(demo("job", "job",
				"--management.metrics.export.prometheus.rsocket.port=" + proxy.getBean(RSocketServers.class).tcpPort()));
		await().atMost(Duration.ofSeconds(60)).until(() -> !job.isAlive());
		assertThat(job.tail(50)).doesNotContain("Pushing the last metrics to the proxy failed");
		String url = "http://127.0.0.1:" + proxy.getEnvironment().getProperty("local.server.port") + "/metrics/connected";
		assertThat(get(url)).contains("demo_job_items_total{application=\"demo-job\"").contains(" 42.0");
		assertThat(get(url)).doesNotContain("demo_job_items_total");
	}

	@Test
	void theServiceStopsWithinTheTimeoutWhileTheProxyIsDown() {
		ManagedProcess service = this.closeables.add(demo("service", null,
				"--management.metrics.export.prometheus.rsocket.port=" + FreePorts.next(),
				"--management.metrics.export.prometheus.rsocket.timeout=1s"));
		await().atMost(Duration.ofSeconds(60)).until(() -> service.tail(200).contains("Started DemoMain"));
		long stop = System.nanoTime();
		service.stop(Duration.ofSeconds(30));
		assertThat(service.isAlive()).isFalse();
		// SIGTERM: Boot's shutdown hook closes the context; the last push waits at most the 1 s timeout.
		assertThat(Duration.ofNanos(System.nanoTime() - stop)).isLessThan(Duration.ofSeconds(5));
		assertThat(service.tail(20)).contains("Pushing the last metrics to the proxy failed");
	}

	private ManagedProcess demo(String name, String mode, String... args) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx128m", "-cp", classpath(), DemoMain.class.getName()));
		if (mode != null) {
			command.add(mode);
		}
		command.add("--management.metrics.export.prometheus.rsocket.host=127.0.0.1");
		command.addAll(List.of(args));
		return ManagedProcess.start(name, command, this.logs);
	}

	private String get(String url) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

	private static String classpath() {
		String classpath = System.getProperty("surefire.test.class.path");
		return (classpath != null && !classpath.isBlank()) ? classpath.replace(';', File.pathSeparatorChar)
				: System.getProperty("java.class.path");
	}

}
