package io.prometheusrelay.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.prometheusrelay.tsdb.model.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Debian's Prometheus scrapes itself every second and remote-writes to the receiver; every series
 * its own HTTP API reports reaches both api-servers' segment files.
 */
class RealPrometheusEndToEndTests {

	@TempDir
	Path workDir;

	@Test
	void everySeriesPrometheusReportsIsStoredByBothApiServers() throws Exception {
		PrometheusServer.assumeInstalled();
		try (Pipeline pipeline = new Pipeline(this.workDir,
				Map.of("api-server", List.of("--relay.api-server.store.block-range=10s"))).start();
				PrometheusServer prometheus = PrometheusServer.scrapingItselfAndWritingTo(pipeline.writeUrl(),
						this.workDir)) {
			Set<Labels>[] missing = new Set[pipeline.dataDirs.size()];
			int[] reported = new int[1];
			try {
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
					List<Map<String, String>> series = prometheus.series("{job=\"prometheus\"}");
					reported[0] = series.size();
					boolean complete = !series.isEmpty();
					for (int i = 0; i < pipeline.dataDirs.size(); i++) {
						Set<Labels> absent = new HashSet<>();
						series.forEach(labels -> absent.add(Labels.of(labels)));
						absent.removeAll(StoredSeries.seriesIn(pipeline.grpcPorts.get(i)));
						missing[i] = absent;
						complete &= absent.isEmpty();
					}
					return complete;
				});
			}
			catch (org.awaitility.core.ConditionTimeoutException ex) {
				throw new AssertionError("Prometheus reports " + reported[0] + " series; missing from api-server-1: "
						+ missing[0].size() + ", from api-server-2: " + missing[1].size() + " (e.g. "
						+ missing[0].stream().limit(3).toList() + ")\nreceiver log:\n" + pipeline.receiver.tail(20)
						+ "\nprometheus log:\n" + prometheus.tail(20), ex);
			}
			assertThat(reported[0]).isGreaterThan(100);
			for (Path dataDir : pipeline.dataDirs) {
				// Blocks of 10 s here (2 h by default): the first ones are cut within a minute.
				await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
					Path[] newestAndLatest = StoredSeries.newestBlockAndLatest(dataDir);
					assertThat(newestAndLatest[1]).as("latest link of %s", dataDir).isNotNull().isEqualTo(newestAndLatest[0]);
				});
				assertThat(dataDir.resolve("latest").resolve("index")).isNotEmptyFile();
			}
			assertThat(prometheus.droppedRemoteWriteSamples()).isZero();

			try (HaproxyServer haproxy = HaproxyServer.inFrontOf(pipeline.grpcPorts.get(0),
					pipeline.apiServers.get(0).httpPort(), pipeline.grpcPorts.get(1), pipeline.apiServers.get(1).httpPort(),
					this.workDir)) {
				List<String> printed = GrpcClientProcess.run(this.workDir, "--lb-addr=127.0.0.1:" + haproxy.port(), "--format=text",
						"--match=job=\"prometheus\"");
				Set<String> known = new HashSet<>();
				prometheus.series("{job=\"prometheus\"}").forEach(labels -> known.add(exposition(labels)));
				assertThat(printed).hasSizeGreaterThan(100);
				assertThat(printed).allSatisfy(line -> assertThat(known).contains(line.substring(0, line.lastIndexOf(' ', line.lastIndexOf(' ') - 1))));
			}
		}
	}

	/** A series as the text format names it: {@code name{a="b",...}}, labels in name order. */
	private static String exposition(Map<String, String> labels) {
		String rest = new java.util.TreeMap<>(labels).entrySet()
			.stream()
			.filter(label -> !label.getKey().equals("__name__"))
			.map(label -> label.getKey() + "=\"" + label.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"")
			.collect(java.util.stream.Collectors.joining(","));
		return labels.get("__name__") + (rest.isEmpty() ? "" : "{" + rest + "}");
	}

}
