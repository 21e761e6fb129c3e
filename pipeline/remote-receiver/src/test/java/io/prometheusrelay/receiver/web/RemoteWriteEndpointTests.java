package io.prometheusrelay.receiver.web;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.protocol.remotewrite.Exemplar;
import io.prometheusrelay.protocol.remotewrite.Histogram;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.MetricMetadata;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.protocol.remotewrite.v2.Request;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
import io.prometheusrelay.receiver.ReceiverApplication;
import io.prometheusrelay.receiver.decode.NativeHistograms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xerial.snappy.Snappy;
import reactor.core.publisher.Mono;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The remote-write endpoint over real HTTP, relaying to a real relay server standing in for the
 * forwarder. Every bad input gets its status and a one-line reason, and the receiver stays up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteWriteEndpointTests {

	private final List<WriteRequest> relayed = new CopyOnWriteArrayList<>();

	private volatile Function<byte[], Mono<BatchOutcome>> forwarder = batch -> Mono.just(BatchOutcome.ack());

	private RelayServer forwarderServer;

	private ConfigurableApplicationContext receiver;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private String baseUrl;

	@BeforeAll
	void start() {
		this.forwarderServer = RelayServer.start(
				new RelayServerOptions("forwarder", "127.0.0.1", 0, 64 << 20, 64, Duration.ofSeconds(60), Duration.ofSeconds(5)), batch -> {
					try {
						this.relayed.add(WriteRequest.parseFrom(batch));
					}
					catch (Exception ex) {
						return Mono.error(ex);
					}
					return this.forwarder.apply(batch);
				}, new SimpleMeterRegistry());
		this.receiver = ReceiverApplication.application()
			.run("--server.port=0", "--relay.receiver.limits.max-body-size=1MB",
					"--relay.receiver.ack-deadline=2s", "--relay.receiver.forwarders.client.ack-timeout=1s",
					"--spring.cloud.discovery.client.simple.instances.forwarder[0].uri=http://127.0.0.1:"
							+ this.forwarderServer.port());
		this.baseUrl = "http://127.0.0.1:" + this.receiver.getEnvironment().getProperty("local.server.port");
		await().atMost(Duration.ofSeconds(10)).until(() -> post("/api/v1/write", snappy(valid())).statusCode() == 204);
	}

	@AfterAll
	void stop() {
		this.receiver.close();
		this.forwarderServer.close();
	}

	@BeforeEach
	void reset() {
		this.relayed.clear();
		this.forwarder = batch -> Mono.just(BatchOutcome.ack());
	}

	static Stream<Arguments> badRequests() throws Exception {
		byte[] valid = valid().toByteArray();
		byte[] garbage = new byte[64];
		Arrays.fill(garbage, (byte) 0xFF);
		return Stream.of(
				bad("empty body", new byte[0], 400, "empty body"),
				bad("raw protobuf without snappy", valid, 400, "snappy"),
				bad("snappy framed/stream format", framed(valid), 400, "framed (stream) format"),
				bad("truncated snappy", Arrays.copyOf(snappy(valid), snappy(valid).length - 5), 400, "snappy"),
				bad("snappy header declaring 2 GiB", new byte[] { (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0 },
						413, "declares 2147483648 decoded bytes"),
				bad("snappy header declaring 4 GiB", new byte[] { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0 },
						413, "declares 4294967295 decoded bytes"),
				bad("valid snappy of garbage", snappy(garbage), 400, "invalid WriteRequest protobuf"),
				bad("truncated protobuf", snappy(Arrays.copyOf(valid, valid.length - 3)), 400, "invalid WriteRequest protobuf"),
				bad("over-size body", new byte[2 << 20], 413, "exceeds the limit"),
				bad("series with no labels", snappy(request(TimeSeries.newBuilder().addSamples(sample(1)).build())), 400,
						"1 no_labels"),
				bad("empty label name", snappy(request(series(sample(1), "__name__", "up", "", "x"))), 400,
						"1 empty_label_name"),
				bad("duplicate label names", snappy(request(series(sample(1), "__name__", "up", "job", "a", "job", "b"))), 400,
						"1 duplicate_label_name"),
				bad("invalid UTF-8", snappy(invalidUtf8()), 400, "1 invalid_utf8"),
				bad("no __name__", snappy(request(series(sample(1), "job", "a"))), 400, "1 missing_metric_name"),
				bad("invalid native histogram", snappy(request(histogramSeries(
						NativeHistograms.integer().toBuilder().setCountInt(7).build(), "__name__", "latency"))),
						400, "1 invalid_histogram (the first invalid histogram: count 7 is not the 6 observations in buckets)"),
				bad("exemplar labels over 128 characters", snappy(request(series(sample(1), "__name__", "up").toBuilder()
					.addExemplars(Exemplar.newBuilder()
						.addLabels(Label.newBuilder().setName("trace_id").setValue("x".repeat(121)))
						.setValue(1)
						.setTimestamp(System.currentTimeMillis()))
					.build())), 400,
						"1 invalid_exemplar (the first invalid exemplar: exemplar labels have 129 characters, more than 128)"),
				bad("metadata naming no family", snappy(WriteRequest.newBuilder()
					.addMetadata(MetricMetadata.newBuilder().setHelp("Orphan help."))
					.build()), 400, "invalid metadata: an entry names no metric family"),
				bad("sample far in the future", snappy(request(series(
						Sample.newBuilder().setValue(1).setTimestamp(System.currentTimeMillis() + 3_600_000).build(),
						"__name__", "up"))), 400, "1 timestamp_too_new"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badRequests")
	void answersABadBodyWithItsStatusAndAOneLineReason(String name, byte[] body, int status, String reason)
			throws Exception {
		HttpResponse<String> response = post("/api/v1/write", body);
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.body()).contains(reason).endsWith("\n");
		assertThat(response.body().strip()).doesNotContain("\n");
		assertThat(this.relayed).isEmpty();
		assertStillServing();
	}

	@Test
	void answersWrongContentTypeWith415() throws Exception {
		HttpResponse<String> response = send(request("/api/v1/write", snappy(valid())).header("Content-Type", "application/json")
			.header("Content-Encoding", "snappy"));
		assertThat(response.statusCode()).isEqualTo(415);
		assertThat(response.body()).contains("unsupported Content-Type 'application/json'");
	}

	@Test
	void storesARemoteWrite2RequestAndSaysWhatItWrote() throws Exception {
		long now = System.currentTimeMillis();
		Request request = Request.newBuilder()
			.addAllSymbols(List.of("", "__name__", "requests_total", "job", "api", "trace_id", "abc", "Requests.",
					"request_seconds"))
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(1, 2, 3, 4))
				.addSamples(v2Sample(1, now - 1000))
				.addSamples(v2Sample(2, now))
				.addExemplars(io.prometheusrelay.protocol.remotewrite.v2.Exemplar.newBuilder()
					.addAllLabelsRefs(List.of(5, 6))
					.setValue(1)
					.setTimestamp(now))
				.setMetadata(io.prometheusrelay.protocol.remotewrite.v2.Metadata.newBuilder()
					.setType(io.prometheusrelay.protocol.remotewrite.v2.Metadata.MetricType.METRIC_TYPE_COUNTER)
					.setHelpRef(7)))
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(1, 8, 3, 4))
				.addHistograms(io.prometheusrelay.protocol.remotewrite.v2.Histogram
					.parseFrom(NativeHistograms.customBuckets().toBuilder().setTimestamp(now).build().toByteArray())))
			.build();
		HttpResponse<String> response = postV2(request.toByteArray());
		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(written(response)).containsExactly(2L, 1L, 1L);
		assertThat(this.relayed).singleElement().satisfies(relayed -> {
			assertThat(relayed.getTimeseriesList()).hasSize(2);
			assertThat(relayed.getTimeseries(0).getSamplesCount()).isEqualTo(2);
			assertThat(relayed.getTimeseries(0).getExemplars(0).getLabels(0).getValue()).isEqualTo("abc");
			assertThat(relayed.getMetadataList()).containsExactly(MetricMetadata.newBuilder()
				.setMetricFamilyName("requests_total")
				.setType(MetricMetadata.MetricType.COUNTER)
				.setHelp("Requests.")
				.build());
		});
	}

	@Test
	void answersABrokenRemoteWrite2RequestWith400AndNothingWritten() throws Exception {
		Request outOfRange = Request.newBuilder()
			.addAllSymbols(List.of("", "__name__", "up"))
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(1, 7))
				.addSamples(v2Sample(1, System.currentTimeMillis())))
			.build();
		HttpResponse<String> response = postV2(outOfRange.toByteArray());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).isEqualTo("reference 7 is outside the 3 symbols\n");
		assertThat(written(response)).containsExactly(0L, 0L, 0L);
		HttpResponse<String> corrupt = postV2(new byte[] { (byte) 0xFF, (byte) 0xFF, 0x01 });
		assertThat(corrupt.statusCode()).isEqualTo(400);
		assertThat(written(corrupt)).containsExactly(0L, 0L, 0L);
		assertThat(this.relayed).isEmpty();
	}

	@Test
	void storesTheValidSeriesOfAPartlyInvalidRemoteWrite2RequestAndCountsOnlyThem() throws Exception {
		Request request = Request.newBuilder()
			.addAllSymbols(List.of("", "__name__", "up", "job", "a"))
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(1, 2))
				.addSamples(v2Sample(1, System.currentTimeMillis())))
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(3, 4))
				.addSamples(v2Sample(1, System.currentTimeMillis())))
			.build();
		HttpResponse<String> response = postV2(request.toByteArray());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).isEqualTo("stored 1 series; 1 series rejected: 1 missing_metric_name\n");
		assertThat(written(response)).containsExactly(1L, 0L, 0L);
	}

	@Test
	void answersAnUnknownProtobufMessageWith415AndRemoteWrite1WithoutWrittenHeaders() throws Exception {
		HttpResponse<String> response = send(request("/api/v1/write", snappy(valid()))
			.header("Content-Type", "application/x-protobuf;proto=io.prometheus.write.v3.Request")
			.header("Content-Encoding", "snappy"));
		assertThat(response.statusCode()).isEqualTo(415);
		assertThat(response.body()).contains("prometheus.WriteRequest (remote-write 1.0) or io.prometheus.write.v2.Request");
		HttpResponse<String> v1 = post("/api/v1/write", snappy(valid()));
		assertThat(v1.statusCode()).isEqualTo(204);
		assertThat(v1.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("x-prometheus-remote-write"));
	}

	@Test
	void answersMissingContentEncodingWith415() throws Exception {
		HttpResponse<String> response = send(
				request("/api/v1/write", snappy(valid())).header("Content-Type", "application/x-protobuf"));
		assertThat(response.statusCode()).isEqualTo(415);
		assertThat(response.body()).contains("requires snappy");
	}

	@Test
	void answersGetWith405() throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(this.baseUrl + "/api/v1/write")).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("Allow")).contains("POST");
	}

	@Test
	void storesSpecialFloatValuesAsTheyAre() throws Exception {
		double staleMarker = Double.longBitsToDouble(0x7ff0000000000002L);
		WriteRequest request = request(series(sample(Double.NaN), "__name__", "nan"),
				series(sample(Double.POSITIVE_INFINITY), "__name__", "inf"),
				series(sample(Double.NEGATIVE_INFINITY), "__name__", "minus_inf"),
				series(sample(staleMarker), "__name__", "stale"));
		assertThat(post("/api/v1/write", snappy(request)).statusCode()).isEqualTo(204);
		assertThat(this.relayed).containsExactly(request);
		assertThat(Double.doubleToRawLongBits(this.relayed.get(0).getTimeseries(3).getSamples(0).getValue()))
			.isEqualTo(0x7ff0000000000002L);
	}

	@Test
	void acceptsTheOriginalDesignsRootPath() throws Exception {
		WriteRequest request = valid();
		assertThat(post("/", snappy(request)).statusCode()).isEqualTo(204);
		assertThat(this.relayed).containsExactly(request);
	}

	@Test
	void storesTheValidSeriesOfAPartlyInvalidRequestThenAnswers400() throws Exception {
		TimeSeries good = series(sample(1), "__name__", "good", "job", "a");
		TimeSeries bad = series(sample(2), "__name__", "bad", "job", "a", "job", "b");
		MetricMetadata metadata = MetricMetadata.newBuilder().setMetricFamilyName("good").setHelp("help").build();
		WriteRequest request = request(bad, good).toBuilder().addMetadata(metadata).build();
		HttpResponse<String> response = post("/api/v1/write", snappy(request));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).isEqualTo("stored 1 series; 1 series rejected: 1 duplicate_label_name\n");
		assertThat(this.relayed).containsExactly(request(good).toBuilder().addMetadata(metadata).build());
	}

	@Test
	void relaysValidNativeHistogramsOfEveryKindAsSentAndLeavesOutAnInvalidOne() throws Exception {
		TimeSeries integer = histogramSeries(NativeHistograms.integer(), "__name__", "latency", "kind", "integer");
		TimeSeries floats = histogramSeries(NativeHistograms.floats(), "__name__", "latency", "kind", "float");
		TimeSeries custom = histogramSeries(NativeHistograms.customBuckets(), "__name__", "latency", "kind", "custom");
		assertThat(post("/api/v1/write", snappy(request(integer, floats, custom))).statusCode()).isEqualTo(204);
		assertThat(this.relayed).containsExactly(request(integer, floats, custom));
		this.relayed.clear();
		TimeSeries broken = histogramSeries(NativeHistograms.integer().toBuilder().addPositiveSpans(NativeHistograms.span(0, 1)).build(),
				"__name__", "latency", "kind", "broken");
		HttpResponse<String> response = post("/api/v1/write", snappy(request(integer, broken)));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).isEqualTo("stored 1 series; 1 series rejected: 1 invalid_histogram "
				+ "(the first invalid histogram: positive spans need 4 buckets, have 3)\n");
		assertThat(this.relayed).containsExactly(request(integer));
	}

	@Test
	void relaysASeriesWithValidExemplarsAsSent() throws Exception {
		TimeSeries series = series(sample(1), "__name__", "requests_total").toBuilder()
			.addExemplars(Exemplar.newBuilder()
				.addLabels(Label.newBuilder().setName("trace_id").setValue("\u00e9".repeat(100)))
				.setValue(0.25)
				.setTimestamp(System.currentTimeMillis()))
			.build();
		assertThat(post("/api/v1/write", snappy(request(series))).statusCode()).isEqualTo(204);
		assertThat(this.relayed).containsExactly(request(series));
	}

	@Test
	void relaysExemplarsInASeriesOfTheirOwnAsPrometheusSendsThemWithEitherVersion() throws Exception {
		// Prometheus 3's sender puts each exemplar in a series without samples, in 1.0 and in 2.0.
		TimeSeries exemplarsAlone = TimeSeries.newBuilder()
			.addLabels(Label.newBuilder().setName("__name__").setValue("requests_total"))
			.addExemplars(Exemplar.newBuilder()
				.addLabels(Label.newBuilder().setName("trace_id").setValue("4bf92f35"))
				.setValue(1)
				.setTimestamp(System.currentTimeMillis()))
			.build();
		assertThat(post("/api/v1/write", snappy(request(exemplarsAlone))).statusCode()).isEqualTo(204);
		Request v2 = Request.newBuilder()
			.addAllSymbols(List.of("", "__name__", "requests_total", "trace_id", "4bf92f35"))
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(1, 2))
				.addExemplars(io.prometheusrelay.protocol.remotewrite.v2.Exemplar.newBuilder()
					.addAllLabelsRefs(List.of(3, 4))
					.setValue(1)
					.setTimestamp(exemplarsAlone.getExemplars(0).getTimestamp())))
			.build();
		HttpResponse<String> response = postV2(v2.toByteArray());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
		assertThat(written(response)).containsExactly(0L, 0L, 1L);
		assertThat(this.relayed).containsExactly(request(exemplarsAlone), request(exemplarsAlone));
	}

	@Test
	void answersASeriesWithNothingInItWith400() throws Exception {
		HttpResponse<String> response = post("/api/v1/write",
				snappy(request(TimeSeries.newBuilder().addLabels(Label.newBuilder().setName("__name__").setValue("up")).build())));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("1 no_samples");
		assertThat(this.relayed).isEmpty();
	}

	@Test
	void relaysAMetadataOnlyRequestAsPrometheusSendsOne() throws Exception {
		WriteRequest request = WriteRequest.newBuilder()
			.addMetadata(MetricMetadata.newBuilder()
				.setMetricFamilyName("up")
				.setType(MetricMetadata.MetricType.GAUGE)
				.setHelp("Whether the target answered."))
			.build();
		assertThat(post("/api/v1/write", snappy(request)).statusCode()).isEqualTo(204);
		assertThat(this.relayed).containsExactly(request);
	}

	@Test
	void answers503WithRetryAfterWhenTheForwarderNacksRetryable() throws Exception {
		this.forwarder = batch -> Mono.just(BatchOutcome.nack("no healthy api-server", true));
		HttpResponse<String> response = post("/api/v1/write", snappy(valid()));
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).contains("1");
		assertThat(response.body()).contains("no healthy api-server");
	}

	@Test
	void answers503WhenTheForwarderNeverAnswers() throws Exception {
		this.forwarder = batch -> Mono.never();
		long start = System.nanoTime();
		HttpResponse<String> response = post("/api/v1/write", snappy(valid()));
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		this.forwarder = batch -> Mono.just(BatchOutcome.ack());
		await().atMost(Duration.ofSeconds(10)).until(() -> post("/api/v1/write", snappy(valid())).statusCode() == 204);
	}

	@Test
	void answers400WhenTheForwarderRefusesTheBatchForGood() throws Exception {
		this.forwarder = batch -> Mono.just(BatchOutcome.nack("frame too large", false));
		HttpResponse<String> response = post("/api/v1/write", snappy(valid()));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).isEqualTo("refused downstream: frame too large\n");
	}

	@Test
	void closesSilentConnectionsAfterAMinuteByDefault() {
		// Boot's own default keeps them for ever; SlowAndGreedySendersTests shows the close itself.
		assertThat(this.receiver.getEnvironment().getProperty("server.netty.idle-timeout")).isEqualTo("60s");
	}

	@Test
	void keepsTheHeapBoundedUnderHostileRequests() throws Exception {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		System.gc();
		long before = memory.getHeapMemoryUsage().getUsed();
		byte[] declares2GiB = { (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0 };
		long peak = 0;
		for (int i = 0; i < 200; i++) {
			assertThat(post("/api/v1/write", declares2GiB).statusCode()).isEqualTo(413);
			peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
		}
		assertThat(peak - before).as("heap growth over 200 requests declaring 2 GiB each")
			.isLessThan(128L << 20);
		assertStillServing();
	}

	private void assertStillServing() throws Exception {
		this.forwarder = batch -> Mono.just(BatchOutcome.ack());
		assertThat(post("/api/v1/write", snappy(valid())).statusCode()).isEqualTo(204);
		this.relayed.clear();
	}

	private HttpResponse<String> postV2(byte[] request) throws Exception {
		return send(request("/api/v1/write", snappy(request))
			.header("Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request")
			.header("Content-Encoding", "snappy")
			.header("X-Prometheus-Remote-Write-Version", "2.0.0"));
	}

	/** The samples, histograms and exemplars the answer says were written. */
	private static List<Long> written(HttpResponse<String> response) {
		return Stream.of("Samples", "Histograms", "Exemplars")
			.map(kind -> Long.parseLong(response.headers()
				.firstValue("X-Prometheus-Remote-Write-" + kind + "-Written")
				.orElseThrow(() -> new AssertionError("no " + kind + "-Written header"))))
			.toList();
	}

	private static io.prometheusrelay.protocol.remotewrite.v2.Sample v2Sample(double value, long timestamp) {
		return io.prometheusrelay.protocol.remotewrite.v2.Sample.newBuilder().setValue(value).setTimestamp(timestamp).build();
	}

	private HttpResponse<String> post(String path, byte[] body) throws Exception {
		return send(request(path, body).header("Content-Type", "application/x-protobuf")
			.header("Content-Encoding", "snappy")
			.header("X-Prometheus-Remote-Write-Version", "0.1.0"));
	}

	private HttpRequest.Builder request(String path, byte[] body) {
		return HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private static Arguments bad(String name, byte[] body, int status, String reason) {
		return Arguments.of(name, body, status, reason);
	}

	static WriteRequest valid() {
		return request(series(sample(1), "__name__", "up", "job", "node", "instance", "a:9100"));
	}

	static Sample sample(double value) {
		return Sample.newBuilder().setValue(value).setTimestamp(System.currentTimeMillis()).build();
	}

	static TimeSeries series(Sample sample, String... labels) {
		TimeSeries.Builder builder = TimeSeries.newBuilder().addSamples(sample);
		for (int i = 0; i < labels.length; i += 2) {
			builder.addLabels(Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
		}
		return builder.build();
	}

	/** A series of one native histogram, stamped now. */
	static TimeSeries histogramSeries(Histogram histogram, String... labels) {
		TimeSeries.Builder builder = TimeSeries.newBuilder()
			.addHistograms(histogram.toBuilder().setTimestamp(System.currentTimeMillis()));
		for (int i = 0; i < labels.length; i += 2) {
			builder.addLabels(Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
		}
		return builder.build();
	}

	static WriteRequest request(TimeSeries... series) {
		return WriteRequest.newBuilder().addAllTimeseries(List.of(series)).build();
	}

	private static byte[] invalidUtf8() {
		// protobuf-java refuses to encode invalid UTF-8 strings, so splice the bytes in.
		byte[] encoded = request(series(sample(1), "__name__", "up", "job", "XX")).toByteArray();
		byte[] marker = "XX".getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < encoded.length - 1; i++) {
			if (encoded[i] == marker[0] && encoded[i + 1] == marker[1]) {
				encoded[i] = (byte) 0xC3;
				encoded[i + 1] = (byte) 0x28;
			}
		}
		return encoded;
	}

	static byte[] snappy(WriteRequest request) throws Exception {
		return snappy(request.toByteArray());
	}

	static byte[] snappy(byte[] bytes) throws Exception {
		return Snappy.compress(bytes);
	}

	private static byte[] framed(byte[] bytes) throws Exception {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		try (org.xerial.snappy.SnappyFramedOutputStream framed = new org.xerial.snappy.SnappyFramedOutputStream(out)) {
			framed.write(bytes);
		}
		return out.toByteArray();
	}

}
