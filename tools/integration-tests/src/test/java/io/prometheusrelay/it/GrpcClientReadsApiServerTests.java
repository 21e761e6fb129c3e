package io.prometheusrelay.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.grpc.GrpcReadServer;
import io.prometheusrelay.apiserver.grpc.PrometheusGrpcService;
import io.prometheusrelay.apiserver.grpc.ReadLimits;
import io.prometheusrelay.apiserver.store.FsyncPolicy;
import io.prometheusrelay.apiserver.store.SegmentStore;
import io.prometheusrelay.apiserver.store.StoreOptions;
import io.prometheusrelay.grpcclient.GrpcClientCommand;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.testsupport.Promtool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The grpc-client command against a real api-server read API on loopback. */
class GrpcClientReadsApiServerTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path dataDir;

	private String target;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@BeforeEach
	void startApiServer() throws Exception {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		SegmentStore store = this.closeables.add(SegmentStore.open(new StoreOptions(this.dataDir, FsyncPolicy.NEVER,
				Duration.ofSeconds(1), 1 << 20, Duration.ofHours(1), Duration.ofDays(1), 1 << 30, 64, true), Clock.systemUTC(),
				registry));
		WriteRequest request = WriteRequest.newBuilder()
			.addTimeseries(series("up", 1, "job", "node", "instance", "a:9100"))
			.addTimeseries(series("http_requests_total", 42, "code", "200", "path", "/a\"b\\c"))
			.addTimeseries(series("up", 0, "job", "node", "instance", "b:9100"))
			.addTimeseries(series("temperature", Double.NaN, "room", "k\u00fcche"))
			.build();
		store.append(request.toByteArray()).get(10, TimeUnit.SECONDS);
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0,
				new PrometheusGrpcService(store, new ReadLimits(8, 8, 8, 64, 4096, 2, 1 << 20, 2, 64), registry),
				Duration.ofSeconds(1), Duration.ofSeconds(1)));
		this.target = "127.0.0.1:" + server.port();
	}

	@Test
	void printsOneValidExpositionGroupedByMetric() throws Exception {
		assertThat(run("--lb-addr=" + this.target)).isEqualTo(GrpcClientCommand.OK);
		List<String> lines = output().lines().toList();
		assertThat(lines).hasSize(4);
		assertThat(lines.get(0)).startsWith("http_requests_total{code=\"200\",path=\"/a\\\"b\\\\c\"} 42.0 ");
		assertThat(lines).filteredOn(line -> line.startsWith("up{")).hasSize(2);
		assertThat(lines.subList(2, 4)).allMatch(line -> line.startsWith("up{"));
		assertThat(lines).contains(lines.stream().filter(l -> l.startsWith("temperature")).findFirst().orElseThrow())
			.anyMatch(line -> line.startsWith("temperature{room=\"k\u00fcche\"} NaN "));
		// Without HELP lines promtool lints "no help text"; anything else would be a parse error.
		assertThat(Promtool.problems(output())).filteredOn(problem -> !problem.contains("no help text")).isEmpty();
	}

	@Test
	void filtersWithMetricAndMatchers() {
		assertThat(run("--lb-addr=" + this.target, "--metric=up", "--match=instance=~\"b.*\"")).isEqualTo(0);
		assertThat(output().lines()).singleElement().asString().startsWith("up{instance=\"b:9100\",job=\"node\"} 0.0 ");
	}

	@Test
	void printsJsonLines() {
		assertThat(run("--lb-addr=" + this.target, "--format=json", "--metric=temperature")).isEqualTo(0);
		assertThat(output().strip()).matches(
				"\\{\"labels\":\\{\"__name__\":\"temperature\",\"room\":\"k\u00fcche\"\\},\"samples\":\\[\\{\"value\":\"NaN\",\"timestamp\":\\d+\\}\\]\\}");
	}

	@Test
	void exitsWithRefusedForABadRequest() {
		assertThat(run("--lb-addr=" + this.target, "--match=job=~\"(\"")).isEqualTo(GrpcClientCommand.REFUSED);
		assertThat(output()).isEmpty();
	}

	private int run(String... args) {
		return GrpcClientCommand.run(args, Map.of(), new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

	private String output() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	private static TimeSeries series(String name, double value, String... labels) {
		java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
		sorted.put("__name__", name);
		for (int i = 0; i < labels.length; i += 2) {
			sorted.put(labels[i], labels[i + 1]);
		}
		TimeSeries.Builder builder = TimeSeries.newBuilder();
		sorted.forEach((n, v) -> builder.addLabels(Label.newBuilder().setName(n).setValue(v)));
		return builder.addSamples(Sample.newBuilder().setValue(value).setTimestamp(System.currentTimeMillis())).build();
	}

}
