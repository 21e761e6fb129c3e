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
import io.prometheusrelay.apiserver.wire.WriteRequestDecoder;
import io.prometheusrelay.tsdb.FsyncPolicy;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import io.prometheusrelay.grpcclient.GrpcClientCommand;
import io.prometheusrelay.protocol.remotewrite.BucketSpan;
import io.prometheusrelay.protocol.remotewrite.Exemplar;
import io.prometheusrelay.protocol.remotewrite.Histogram;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.MetricMetadata;
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
		Tsdb store = this.closeables.add(Tsdb.open(TsdbOptions.defaults(this.dataDir).withFsync(FsyncPolicy.NEVER),
				Clock.systemUTC()));
		WriteRequest request = WriteRequest.newBuilder()
			.addTimeseries(series("up", 1, "job", "node", "instance", "a:9100").toBuilder()
				.addExemplars(Exemplar.newBuilder()
					.addLabels(Label.newBuilder().setName("trace_id").setValue("abc"))
					.setValue(1)
					.setTimestamp(System.currentTimeMillis())))
			.addTimeseries(series("http_requests_total", 42, "code", "200", "path", "/a\"b\\c").toBuilder()
				.setCreatedTimestamp(1764620000000L))
			.addTimeseries(series("up", 0, "job", "node", "instance", "b:9100"))
			.addTimeseries(series("temperature", Double.NaN, "room", "k\u00fcche"))
			.addTimeseries(histogramSeries("request_seconds", CUSTOM_BUCKETS, "path", "/a"))
			.addTimeseries(histogramSeries("request_seconds", EXPONENTIAL, "path", "/b"))
			.build();
		store.append(WriteRequestDecoder.decode(request.toByteArray())).get(10, TimeUnit.SECONDS);
		// As Prometheus sends metadata: in a request of its own.
		store.append(WriteRequestDecoder.decode(WriteRequest.newBuilder()
			.addMetadata(MetricMetadata.newBuilder()
				.setMetricFamilyName("request_seconds")
				.setType(MetricMetadata.MetricType.HISTOGRAM)
				.setHelp("Time to answer a request.\nBy path.")
				.setUnit("seconds"))
			.addMetadata(MetricMetadata.newBuilder()
				.setMetricFamilyName("up")
				.setType(MetricMetadata.MetricType.GAUGE)
				.setHelp("Whether the target answered."))
			.build()
			.toByteArray())).get(10, TimeUnit.SECONDS);
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0,
				new PrometheusGrpcService(store, new ReadLimits(8, 8, 8, 64, 4096, 2, 1 << 20, 2, 64), registry),
				Duration.ofSeconds(1), Duration.ofSeconds(1)));
		this.target = "127.0.0.1:" + server.port();
	}

	@Test
	void printsOneValidExpositionGroupedByMetric() throws Exception {
		assertThat(run("--lb-addr=" + this.target)).isEqualTo(GrpcClientCommand.OK);
		List<String> all = output().lines().toList();
		assertThat(all.stream().filter(line -> line.startsWith("#"))).containsExactly(
				"# HELP request_seconds Time to answer a request.\\nBy path.", "# TYPE request_seconds histogram",
				"# UNIT request_seconds seconds", "# HELP up Whether the target answered.", "# TYPE up gauge");
		assertThat(all.indexOf("# TYPE up gauge")).isLessThan(all.indexOf(all.stream().filter(l -> l.startsWith("up{")).findFirst().orElseThrow()));
		List<String> lines = all.stream().filter(line -> !line.startsWith("#")).toList();
		// 4 float samples; 6 + 8 lines for the two histograms (buckets, +Inf, count, sum).
		assertThat(lines).hasSize(18);
		assertThat(lines.get(0)).startsWith("http_requests_total{code=\"200\",path=\"/a\\\"b\\\\c\"} 42.0 ");
		assertThat(lines.subList(1, 15)).allMatch(line -> line.startsWith("request_seconds_"));
		assertThat(lines).filteredOn(line -> line.startsWith("up{")).hasSize(2);
		assertThat(lines.subList(16, 18)).allMatch(line -> line.startsWith("up{"));
		assertThat(lines).contains(lines.stream().filter(l -> l.startsWith("temperature")).findFirst().orElseThrow())
			.anyMatch(line -> line.startsWith("temperature{room=\"k\u00fcche\"} NaN "));
		// Without HELP lines promtool lints "no help text"; anything else would be a parse error.
		assertThat(Promtool.problems(output())).filteredOn(problem -> !problem.contains("no help text")).isEmpty();
	}

	@Test
	void filtersWithMetricAndMatchers() {
		assertThat(run("--lb-addr=" + this.target, "--metric=up", "--match=instance=~\"b.*\"")).isEqualTo(0);
		assertThat(output().lines().filter(line -> !line.startsWith("#"))).singleElement()
			.asString()
			.startsWith("up{instance=\"b:9100\",job=\"node\"} 0.0 ");
	}

	@Test
	void printsANativeHistogramAsTheBucketsOfAClassicOne() {
		assertThat(run("--lb-addr=" + this.target, "--metric=request_seconds", "--match=path=\"/a\"")).isEqualTo(0);
		assertThat(output().lines().filter(line -> !line.startsWith("#")).map(line -> line.substring(0, line.lastIndexOf(' '))))
			.containsExactly(
				"request_seconds_bucket{path=\"/a\",le=\"0.1\"} 1.0", "request_seconds_bucket{path=\"/a\",le=\"0.5\"} 2.0",
				"request_seconds_bucket{path=\"/a\",le=\"1.0\"} 4.0", "request_seconds_bucket{path=\"/a\",le=\"+Inf\"} 5.0",
				"request_seconds_count{path=\"/a\"} 5.0", "request_seconds_sum{path=\"/a\"} 3.0");
		this.out.reset();
		// Exponential buckets: 1 below -0.77 (bucket -2 of schema 3), 1 in the zero bucket, then 1, 2 and 1.
		assertThat(run("--lb-addr=" + this.target, "--metric=request_seconds", "--match=path=\"/b\"")).isEqualTo(0);
		assertThat(output().lines().filter(line -> !line.startsWith("#")).map(line -> line.substring(0, line.lastIndexOf(' '))))
			.containsExactly(
				"request_seconds_bucket{path=\"/b\",le=\"" + -Math.pow(2, -3 / 8.0) + "\"} 1.0",
				"request_seconds_bucket{path=\"/b\",le=\"1.0E-128\"} 2.0", "request_seconds_bucket{path=\"/b\",le=\"1.0\"} 3.0",
				"request_seconds_bucket{path=\"/b\",le=\"" + Math.pow(Math.pow(2, 1 / 8.0), 1) + "\"} 5.0",
				"request_seconds_bucket{path=\"/b\",le=\"" + Math.pow(Math.pow(2, 1 / 8.0), 3) + "\"} 6.0",
				"request_seconds_bucket{path=\"/b\",le=\"+Inf\"} 6.0", "request_seconds_count{path=\"/b\"} 6.0",
				"request_seconds_sum{path=\"/b\"} 10.5");
	}

	@Test
	void printsEveryFieldOfANativeHistogramInJson() throws Exception {
		assertThat(run("--lb-addr=" + this.target, "--format=json", "--metric=request_seconds", "--match=path=\"/a\""))
			.isEqualTo(0);
		List<String> lines = output().lines().toList();
		assertThat(lines).as("the family's metadata, then the series").hasSize(2);
		com.fasterxml.jackson.databind.JsonNode line = new com.fasterxml.jackson.databind.ObjectMapper()
			.readTree(lines.get(1));
		assertThat(line.get("samples")).isEmpty();
		Histogram.Builder printed = Histogram.newBuilder();
		com.google.protobuf.util.JsonFormat.parser().merge(line.get("histograms").get(0).toString(), printed);
		assertThat(printed.build()).isEqualTo(CUSTOM_BUCKETS.toBuilder().setTimestamp(printed.getTimestamp()).build());
		assertThat(line.get("histograms").get(0).has("zeroThreshold")).as("fields at their default are printed too").isTrue();
	}

	@Test
	void printsAFamilysMetadataInJsonBeforeItsFirstSeries() throws Exception {
		assertThat(run("--lb-addr=" + this.target, "--format=json", "--metric=up")).isEqualTo(0);
		List<String> lines = output().lines().toList();
		// The family's metadata, then two series, one of them with its newest exemplar after it.
		assertThat(lines).hasSize(4);
		com.fasterxml.jackson.databind.JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
		assertThat(first.get("labels").toString()).isEqualTo("{\"__name__\":\"up\"}");
		MetricMetadata.Builder printed = MetricMetadata.newBuilder();
		com.google.protobuf.util.JsonFormat.parser().merge(first.get("metadata").toString(), printed);
		assertThat(printed.build()).isEqualTo(MetricMetadata.newBuilder()
			.setMetricFamilyName("up")
			.setType(MetricMetadata.MetricType.GAUGE)
			.setHelp("Whether the target answered.")
			.build());
	}

	@Test
	void printsExemplarsInJsonButNotInTheTextFormat() throws Exception {
		assertThat(run("--lb-addr=" + this.target, "--mode=range", "--since=1h", "--format=json", "--metric=up",
				"--match=instance=\"a:9100\"")).isEqualTo(0);
		List<String> lines = output().lines().toList();
		// The family's metadata, the sample, the exemplar.
		assertThat(lines).hasSize(3);
		com.fasterxml.jackson.databind.JsonNode exemplar = new com.fasterxml.jackson.databind.ObjectMapper()
			.readTree(lines.get(2)).get("exemplars").get(0);
		Exemplar.Builder printed = Exemplar.newBuilder();
		com.google.protobuf.util.JsonFormat.parser().merge(exemplar.toString(), printed);
		assertThat(printed.getLabelsList()).containsExactly(Label.newBuilder().setName("trace_id").setValue("abc").build());
		assertThat(printed.getValue()).isEqualTo(1);
		this.out.reset();
		assertThat(run("--lb-addr=" + this.target, "--mode=range", "--since=1h", "--metric=up", "--match=instance=\"a:9100\""))
			.isEqualTo(0);
		assertThat(output().lines().filter(line -> !line.startsWith("#"))).singleElement()
			.asString()
			.startsWith("up{instance=\"a:9100\",job=\"node\"} 1.0 ");
	}

	@Test
	void printsJsonLines() {
		assertThat(run("--lb-addr=" + this.target, "--format=json", "--metric=temperature")).isEqualTo(0);
		assertThat(output().strip()).matches(
				"\\{\"labels\":\\{\"__name__\":\"temperature\",\"room\":\"k\u00fcche\"\\},\"samples\":\\[\\{\"value\":\"NaN\",\"timestamp\":\\d+\\}\\]\\}");
	}

	@Test
	void printsACreatedTimestampInJson() {
		assertThat(run("--lb-addr=" + this.target, "--format=json", "--metric=http_requests_total")).isEqualTo(0);
		assertThat(output().strip()).matches("\\{\"labels\":\\{[^}]*\\},\"samples\":\\[\\{\"value\":42.0,\"timestamp\":\\d+\\}\\],"
				+ "\"createdTimestamp\":1764620000000\\}");
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

	/** Custom buckets (le 0.1, 0.5, 1 and +Inf) holding 1, 1, 2 and 1. */
	private static final Histogram CUSTOM_BUCKETS = Histogram.newBuilder()
		.setCountInt(5)
		.setSum(3)
		.setZeroCountInt(0)
		.setSchema(-53)
		.addPositiveSpans(BucketSpan.newBuilder().setOffset(0).setLength(4))
		.addAllPositiveDeltas(List.of(1L, 0L, 1L, -1L))
		.addAllCustomValues(List.of(0.1, 0.5, 1.0))
		.build();

	/** Schema 3: bucket -2 holds 1, the zero bucket 1, buckets 0, 1 and 3 hold 1, 2 and 1. */
	private static final Histogram EXPONENTIAL = Histogram.newBuilder()
		.setCountInt(6)
		.setSum(10.5)
		.setSchema(3)
		.setZeroThreshold(1e-128)
		.setZeroCountInt(1)
		.addNegativeSpans(BucketSpan.newBuilder().setOffset(-2).setLength(1))
		.addNegativeDeltas(1)
		.addPositiveSpans(BucketSpan.newBuilder().setOffset(0).setLength(2))
		.addPositiveSpans(BucketSpan.newBuilder().setOffset(1).setLength(1))
		.addAllPositiveDeltas(List.of(1L, 1L, -1L))
		.build();

	private static TimeSeries histogramSeries(String name, Histogram histogram, String... labels) {
		TimeSeries series = series(name, 0, labels);
		return series.toBuilder()
			.clearSamples()
			.addHistograms(histogram.toBuilder().setTimestamp(System.currentTimeMillis()))
			.build();
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
