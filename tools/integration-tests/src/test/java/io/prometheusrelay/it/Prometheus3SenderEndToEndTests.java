package io.prometheusrelay.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import com.jayway.jsonpath.JsonPath;
import io.prometheusrelay.harness.GoPeer;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.testsupport.Promtool;
import io.prometheusrelay.testsupport.RealPeers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prometheus v3.5.0, built from its Go module, scrapes an application on Prometheus's Java client
 * (a counter with an exemplar, a gauge, a native histogram; protobuf exposition) and remote-writes
 * to the pipeline: one Prometheus with remote-write 2.0, another with 1.0, at the same time, each as
 * its own job. What each Prometheus holds, by its own HTTP API, is what grpc-client reads back,
 * exactly, from each api-server and through HAProxy: every sample and histogram with its timestamp,
 * the exemplars, and every family's type, help and unit.
 */
class Prometheus3SenderEndToEndTests {

	private static final Map<String, String> SENDERS = Map.of("sender-v2", "io.prometheus.write.v2.Request",
			"sender-v1", "prometheus.WriteRequest");

	/** Both senders' series. */
	private static final String ALL = "{job=~\"sender-v.\"}";

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path workDir;

	@Test
	void whatEachPrometheusHoldsIsReadBackExactlyFromEachReplicaAndThroughHaproxy() throws Exception {
		RealPeers.requireBuilt(GoPeer.PROMETHEUS);
		HaproxyServer.assumeInstalled();
		Pipeline pipeline = this.closeables.add(new Pipeline(this.workDir).start());
		ClientJavaApplication application = this.closeables.add(new ClientJavaApplication());
		Map<String, PrometheusServer> senders = new TreeMap<>();
		SENDERS.forEach((job, message) -> senders.put(job, start(job, message, application, pipeline)));
		HaproxyServer haproxy = this.closeables.add(HaproxyServer.inFrontOf(pipeline.grpcPorts.get(0),
				pipeline.apiServers.get(0).httpPort(), pipeline.grpcPorts.get(1), pipeline.apiServers.get(1).httpPort(),
				this.workDir));
		List<String> readers = new ArrayList<>();
		pipeline.grpcPorts.forEach(port -> readers.add("127.0.0.1:" + port));
		readers.add("127.0.0.1:" + haproxy.port());

		// What each Prometheus holds, by its own HTTP API, up to the newest sample both have: what the
		// pipeline must hold exactly. The jobs tell the two senders' series apart.
		AtomicLong newestOfBoth = new AtomicLong();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			long common = Long.MAX_VALUE;
			for (PrometheusServer prometheus : senders.values()) {
				Map<String, Set<String>> held = ComparableSeries.fromPrometheusQuery(prometheus.rawSamples(ALL + "[1h]"),
						Long.MAX_VALUE);
				common = held.isEmpty() ? Long.MIN_VALUE : Math.min(common, newest(held));
			}
			newestOfBoth.set(common);
			// The two started one after the other: each must have scraped the histogram by then.
			for (PrometheusServer prometheus : senders.values()) {
				if (ComparableSeries.fromPrometheusQuery(prometheus.rawSamples(ALL + "[1h]"), common)
					.keySet()
					.stream()
					.noneMatch(key -> key.contains(ClientJavaApplication.HISTOGRAM))) {
					return false;
				}
			}
			return true;
		});
		long until = newestOfBoth.get();
		Map<String, Set<String>> expected = new TreeMap<>();
		Map<String, Set<String>> exemplars = new TreeMap<>();
		for (PrometheusServer prometheus : senders.values()) {
			expected.putAll(ComparableSeries.fromPrometheusQuery(prometheus.rawSamples(ALL + "[1h]"), until));
			exemplars.putAll(ComparableSeries.fromPrometheusExemplars(prometheus.exemplars(ALL)));
		}
		assertThat(expected.keySet()).filteredOn(key -> key.contains(ClientJavaApplication.HISTOGRAM)).hasSize(2);
		assertThat(expected.values()).as("each Prometheus scraped the histogram natively")
			.filteredOn(samples -> samples.toString().contains("histogram count " + ClientJavaApplication.OBSERVATIONS.length))
			.hasSize(2);
		assertThat(exemplars).hasSize(2);

		for (String reader : readers) {
			long last = until;
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
				assertThat(ComparableSeries.fromGrpcClient(range(reader, last), false))
					.as("samples and histograms read from %s", reader)
					.isEqualTo(expected));
		}

		List<String> everything = range("127.0.0.1:" + haproxy.port(), System.currentTimeMillis());
		assertThat(ComparableSeries.fromGrpcClient(everything, true)).as("exemplars").isEqualTo(exemplars);
		// Prometheus sends each exemplar in a series of its own; LATEST has each series' newest all the same.
		List<String> latest = GrpcClientProcess.run(this.workDir, "--lb-addr=127.0.0.1:" + haproxy.port(), "--format=json",
				"--match=" + ALL.substring(1, ALL.length() - 1));
		assertThat(ComparableSeries.fromGrpcClient(latest, true)).as("newest exemplars").isEqualTo(exemplars);
		// Prometheus's API reports its targets' metadata; it also sends its own for the series of a scrape.
		Map<String, String> metadata = metadata(everything);
		for (PrometheusServer prometheus : senders.values()) {
			assertThat(metadata).containsAllEntriesOf(metadataOf(prometheus));
		}
		assertThat(metadata.keySet()).filteredOn(family -> !family.startsWith("shop_"))
			.isNotEmpty()
			.allMatch(family -> family.equals("up") || family.startsWith("scrape_"));

		List<String> text = GrpcClientProcess.run(this.workDir, "--lb-addr=127.0.0.1:" + haproxy.port(),
				"--match=" + ALL.substring(1, ALL.length() - 1));
		assertThat(Promtool.problems(String.join("\n", text) + "\n")).isEmpty();
		assertThat(text).contains("# HELP " + ClientJavaApplication.HISTOGRAM + " " + ClientJavaApplication.HISTOGRAM_HELP,
				"# TYPE " + ClientJavaApplication.HISTOGRAM + " histogram", "# UNIT scrape_duration_seconds seconds");
		assertThat(text).filteredOn(line -> line.startsWith(ClientJavaApplication.HISTOGRAM + "_count{")
				&& line.contains(" " + (double) ClientJavaApplication.OBSERVATIONS.length + " "))
			.hasSize(2);
		for (PrometheusServer prometheus : senders.values()) {
			assertThat(prometheus.droppedRemoteWriteSamples()).isZero();
		}
	}

	private PrometheusServer start(String job, String message, ClientJavaApplication application, Pipeline pipeline) {
		try {
			return this.closeables.add(PrometheusServer.version3(this.workDir, port -> """
					global:
					  scrape_interval: 1s
					scrape_configs:
					  - job_name: %s
					    scrape_protocols: [PrometheusProto]
					    static_configs:
					      - targets: ['%s']
					remote_write:
					  - url: %s
					    protobuf_message: %s
					    send_exemplars: true
					    send_native_histograms: true
					    metadata_config:
					      send_interval: 1s
					    queue_config:
					      batch_send_deadline: 1s
					      min_backoff: 100ms
					      max_backoff: 2s
					""".formatted(job, application.target(), pipeline.writeUrl(), message)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** grpc-client's RANGE of both senders' series up to {@code until}, in JSON, from an api-server or HAProxy. */
	private List<String> range(String address, long until) throws Exception {
		return GrpcClientProcess.run(this.workDir, "--lb-addr=" + address, "--mode=range", "--since=1h",
				"--until=" + until, "--format=json", "--match=" + ALL.substring(1, ALL.length() - 1));
	}

	/** The newest timestamp of any sample. */
	private static long newest(Map<String, Set<String>> series) {
		return series.values()
			.stream()
			.flatMap(Set::stream)
			.mapToLong(sample -> Long.parseLong(sample.substring(0, sample.indexOf('='))))
			.max()
			.orElseThrow();
	}

	/** Family name to "type|help|unit", from grpc-client's metadata messages. */
	private static Map<String, String> metadata(List<String> jsonLines) {
		Map<String, String> families = new TreeMap<>();
		for (String line : jsonLines) {
			Object metadata = JsonPath.<Map<String, Object>>read(line, "$").get("metadata");
			if (metadata instanceof Map<?, ?> family) {
				families.put((String) family.get("metricFamilyName"),
						family.get("type").toString().toLowerCase(java.util.Locale.ROOT) + "|" + family.get("help") + "|"
								+ family.get("unit"));
			}
		}
		return families;
	}

	/** Family name to "type|help|unit", from Prometheus's {@code /api/v1/metadata}. */
	private static Map<String, String> metadataOf(PrometheusServer prometheus) throws Exception {
		Map<String, List<Map<String, String>>> data = JsonPath.read(prometheus.metadata(""), "$.data");
		Map<String, String> families = new TreeMap<>();
		data.forEach((family, entries) -> families.put(family,
				entries.get(0).get("type") + "|" + entries.get(0).get("help") + "|" + entries.get(0).get("unit")));
		return families;
	}

}
