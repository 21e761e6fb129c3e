package io.prometheusrelay.receiver.web;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;

import io.prometheusrelay.protocol.remotewrite.Exemplar;
import io.prometheusrelay.protocol.remotewrite.Histogram;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.MetricMetadata;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.protocol.remotewrite.v2.Request;
import io.prometheusrelay.receiver.decode.NativeHistograms;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remote-write 2.0 at the endpoint, and what came with it to both versions: native histograms,
 * exemplars (in a series of their own, as Prometheus 3 sends them) and metadata. What is stored is
 * relayed as sent, and the written-counts headers say what it was.
 */
class RemoteWriteV2EndpointTests extends RemoteWriteEndpointTestBase {

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

}
