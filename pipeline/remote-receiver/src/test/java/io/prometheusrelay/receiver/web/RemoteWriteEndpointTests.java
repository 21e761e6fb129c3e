package io.prometheusrelay.receiver.web;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

import io.prometheusrelay.protocol.remotewrite.Exemplar;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.MetricMetadata;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.receiver.decode.NativeHistograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The remote-write endpoint over real HTTP, relaying to a real relay server standing in for the
 * forwarder. Every bad input gets its status and a one-line reason, and the receiver stays up.
 */
class RemoteWriteEndpointTests extends RemoteWriteEndpointTestBase {

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

	private static Arguments bad(String name, byte[] body, int status, String reason) {
		return Arguments.of(name, body, status, reason);
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

}
