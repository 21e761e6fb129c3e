package io.prometheusrelay.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.protocol.remotewrite.BucketSpan;
import io.prometheusrelay.protocol.remotewrite.Exemplar;
import io.prometheusrelay.protocol.remotewrite.Histogram;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.MetricMetadata;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.protocol.remotewrite.v2.Request;
import io.prometheusrelay.testsupport.Closeables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of data remote-write carries, written with 1.0 and with 2.0 through the whole
 * pipeline (receiver, forwarder, two api-servers, each its own process), and read back from each
 * api-server with LATEST, RANGE and FOLLOW: values, timestamps, created timestamps, histogram
 * buckets, exemplars and metadata exactly as written.
 */
class RemoteWriteRoundTripTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path workDir;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void everyKindWrittenWithEitherVersionIsReadBackFromEachReplicaAsWritten() throws Exception {
		long now = System.currentTimeMillis();
		// Its zero count set though 0, as Prometheus sends every histogram: the store reads it back so.
		Histogram customBuckets = Histogram.newBuilder()
			.setCountInt(5)
			.setSum(3)
			.setZeroCountInt(0)
			.setSchema(-53)
			.addPositiveSpans(BucketSpan.newBuilder().setLength(4))
			.addAllPositiveDeltas(List.of(1L, 0L, 1L, -1L))
			.addAllCustomValues(List.of(0.1, 0.5, 1.0))
			.setTimestamp(now)
			.build();
		Histogram floats = Histogram.newBuilder()
			.setCountFloat(6.5)
			.setSum(2.25)
			.setSchema(2)
			.setZeroThreshold(1e-128)
			.setZeroCountFloat(0.5)
			.addPositiveSpans(BucketSpan.newBuilder().setOffset(-1).setLength(3))
			.addAllPositiveCounts(List.of(1.0, 2.5, 2.5))
			.setTimestamp(now)
			.build();
		Exemplar trace = Exemplar.newBuilder().addLabels(label("trace_id", "4bf92f35")).setValue(1).setTimestamp(now).build();
		try (Pipeline pipeline = new Pipeline(this.workDir).start()) {
			// 2.0: a counter with its created timestamp, an exemplar and its metadata; a histogram with custom buckets.
			Request v2 = Request.newBuilder()
				.addAllSymbols(List.of("", "__name__", "requests_total", "job", "api", "trace_id", "4bf92f35",
						"Requests answered.", "request_seconds"))
				.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
					.addAllLabelsRefs(List.of(1, 2, 3, 4))
					.addSamples(io.prometheusrelay.protocol.remotewrite.v2.Sample.newBuilder().setValue(7).setTimestamp(now - 1000))
					.addSamples(io.prometheusrelay.protocol.remotewrite.v2.Sample.newBuilder().setValue(9).setTimestamp(now))
					.addExemplars(io.prometheusrelay.protocol.remotewrite.v2.Exemplar.newBuilder()
						.addAllLabelsRefs(List.of(5, 6))
						.setValue(1)
						.setTimestamp(now))
					.setMetadata(io.prometheusrelay.protocol.remotewrite.v2.Metadata.newBuilder()
						.setType(io.prometheusrelay.protocol.remotewrite.v2.Metadata.MetricType.METRIC_TYPE_COUNTER)
						.setHelpRef(7))
					.setCreatedTimestamp(now - 60_000))
				.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
					.addAllLabelsRefs(List.of(1, 8, 3, 4))
					.addHistograms(io.prometheusrelay.protocol.remotewrite.v2.Histogram.parseFrom(customBuckets.toByteArray())))
				.build();
			HttpResponse<String> written = post(pipeline.writeUrl(), v2.toByteArray(), "io.prometheus.write.v2.Request");
			assertThat(written.statusCode()).as(written.body()).isEqualTo(204);
			assertThat(written.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).contains("2");
			assertThat(written.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written")).contains("1");
			assertThat(written.headers().firstValue("X-Prometheus-Remote-Write-Exemplars-Written")).contains("1");
			// 1.0: a float histogram with an exemplar, and its metadata in a request of its own, as Prometheus sends it.
			MetricMetadata queueMetadata = MetricMetadata.newBuilder()
				.setMetricFamilyName("queue_seconds")
				.setType(MetricMetadata.MetricType.HISTOGRAM)
				.setHelp("Time waiting.")
				.setUnit("seconds")
				.build();
			TimeSeries queue = TimeSeries.newBuilder()
				.addLabels(label("__name__", "queue_seconds"))
				.addLabels(label("job", "api"))
				.addHistograms(floats)
				.addExemplars(trace)
				.build();
			assertThat(post(pipeline.writeUrl(), WriteRequest.newBuilder().addTimeseries(queue).build().toByteArray(), null)
				.statusCode()).isEqualTo(204);
			assertThat(post(pipeline.writeUrl(), WriteRequest.newBuilder().addMetadata(queueMetadata).build().toByteArray(),
					null).statusCode()).isEqualTo(204);

			List<Label> requestsLabels = List.of(label("__name__", "requests_total"), label("job", "api"));
			TimeSeries requestsFamily = family("requests_total", MetricMetadata.newBuilder()
				.setMetricFamilyName("requests_total")
				.setType(MetricMetadata.MetricType.COUNTER)
				.setHelp("Requests answered.")
				.build());
			TimeSeries latestRequests = series(requestsLabels).addSamples(sample(9, now)).setCreatedTimestamp(now - 60_000).build();
			TimeSeries requestsExemplar = series(requestsLabels).addExemplars(trace).build();
			TimeSeries seconds = series(List.of(label("__name__", "request_seconds"), label("job", "api")))
				.addHistograms(customBuckets)
				.build();
			TimeSeries queueHistogram = queue.toBuilder().clearExemplars().build();
			TimeSeries queueExemplar = queue.toBuilder().clearHistograms().build();
			TimeSeries queueFamily = family("queue_seconds", queueMetadata);
			for (int grpcPort : pipeline.grpcPorts) {
				ManagedChannel channel = channel(grpcPort);
				List<TimeSeries> latest = read(channel, ReadMode.LATEST, 0, 0);
				assertThat(latest).as("LATEST from the api-server on %d", grpcPort)
					.containsExactlyInAnyOrder(requestsFamily, latestRequests, requestsExemplar, seconds, queueFamily,
							queueHistogram, queueExemplar);
				assertThat(latest.indexOf(requestsFamily)).isLessThan(latest.indexOf(latestRequests));
				assertThat(latest.indexOf(queueFamily)).isLessThan(latest.indexOf(queueHistogram));
				// RANGE sends a series' samples that share a created timestamp together, in time order.
				assertThat(read(channel, ReadMode.RANGE, now - 60_000, now + 60_000))
					.as("RANGE from the api-server on %d", grpcPort)
					.containsExactlyInAnyOrder(requestsFamily,
							series(requestsLabels).addSamples(sample(7, now - 1000))
								.addSamples(sample(9, now))
								.setCreatedTimestamp(now - 60_000)
								.build(),
							requestsExemplar, seconds, queueFamily, queueHistogram, queueExemplar);
			}
			List<Iterator<TimeSeries>> follows = new ArrayList<>();
			for (int grpcPort : pipeline.grpcPorts) {
				Context.CancellableContext call = Context.current().withCancellation();
				this.closeables.add(() -> call.cancel(null));
				Iterator<TimeSeries> follow = call.call(() -> PrometheusServiceGrpc.newBlockingStub(channel(grpcPort))
					.withDeadlineAfter(60, TimeUnit.SECONDS)
					.getMetrics(request(ReadMode.FOLLOW, 0, 0)));
				for (int i = 0; i < 7; i++) {
					follow.next();
				}
				follows.add(follow);
			}
			Request next = v2.toBuilder()
				.setTimeseries(0, v2.getTimeseries(0).toBuilder()
					.clearSamples()
					.clearExemplars()
					.addSamples(io.prometheusrelay.protocol.remotewrite.v2.Sample.newBuilder().setValue(10).setTimestamp(now + 1000)))
				.removeTimeseries(1)
				.build();
			assertThat(post(pipeline.writeUrl(), next.toByteArray(), "io.prometheus.write.v2.Request").statusCode())
				.isEqualTo(204);
			for (Iterator<TimeSeries> follow : follows) {
				assertThat(follow.next()).isEqualTo(
						series(requestsLabels).addSamples(sample(10, now + 1000)).setCreatedTimestamp(now - 60_000).build());
			}
		}
	}

	private HttpResponse<String> post(String url, byte[] request, String message) throws Exception {
		HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/x-protobuf" + ((message != null) ? ";proto=" + message : ""))
			.header("Content-Encoding", "snappy")
			.POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(request)));
		return this.http.send(post.build(), HttpResponse.BodyHandlers.ofString());
	}

	private List<TimeSeries> read(ManagedChannel channel, ReadMode mode, long start, long end) {
		List<TimeSeries> series = new ArrayList<>();
		PrometheusServiceGrpc.newBlockingStub(channel)
			.withDeadlineAfter(20, TimeUnit.SECONDS)
			.getMetrics(request(mode, start, end))
			.forEachRemaining(series::add);
		return series;
	}

	private ManagedChannel channel(int port) {
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
		this.closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		return channel;
	}

	private static GetMetricsRequest request(ReadMode mode, long start, long end) {
		return GetMetricsRequest.newBuilder().setMode(mode).setStartTimestampMs(start).setEndTimestampMs(end).build();
	}

	private static TimeSeries family(String name, MetricMetadata metadata) {
		return TimeSeries.newBuilder().addLabels(label("__name__", name)).setMetadata(metadata).build();
	}

	private static TimeSeries.Builder series(List<Label> labels) {
		return TimeSeries.newBuilder().addAllLabels(labels);
	}

	private static Sample sample(double value, long timestamp) {
		return Sample.newBuilder().setValue(value).setTimestamp(timestamp).build();
	}

	private static Label label(String name, String value) {
		return Label.newBuilder().setName(name).setValue(value).build();
	}

}
