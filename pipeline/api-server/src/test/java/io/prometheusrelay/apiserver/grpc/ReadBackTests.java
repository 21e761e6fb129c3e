package io.prometheusrelay.apiserver.grpc;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.wire.WriteRequestDecoder;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.MetricsBatch;
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
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.tsdb.FsyncPolicy;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What remote-write 1.0 carries besides float samples comes back as it was written, field for
 * field, from LATEST, RANGE and FOLLOW: native histograms (integer and float, custom buckets
 * included), also after the store is reopened (the index rebuilt from the segments); exemplars
 * (LATEST: the newest of each series); and each family's metadata, once per call, before the
 * family's first series; and remote-write 2.0's created timestamps, with their series' samples.
 * <p>
 * Longer than this project's usual 300 lines on purpose: each kind is one test over the same three
 * reads and the same fixtures, and the three reads are compared with each other in every test.
 */
class ReadBackTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path dataDir;

	private static final Label NAME = label("__name__", "request_seconds");

	private static final Histogram INTEGER = Histogram.newBuilder()
		.setCountInt(6)
		.setSum(10.5)
		.setSchema(3)
		.setZeroThreshold(1e-128)
		.setZeroCountInt(1)
		.addNegativeSpans(span(-2, 1))
		.addNegativeDeltas(1)
		.addPositiveSpans(span(0, 2))
		.addPositiveSpans(span(1, 1))
		.addAllPositiveDeltas(List.of(1L, 1L, -1L))
		.setResetHint(Histogram.ResetHint.NO)
		.build();

	private static final Histogram FLOAT = Histogram.newBuilder()
		.setCountFloat(6.5)
		.setSum(2.25)
		.setZeroCountFloat(0.5)
		.addPositiveSpans(span(0, 3))
		.addAllPositiveCounts(List.of(1.0, 2.5, 2.5))
		.setResetHint(Histogram.ResetHint.GAUGE)
		.build();

	/** Its zero count set though 0, as Prometheus sends every histogram: it reads back so. */
	private static final Histogram CUSTOM = Histogram.newBuilder()
		.setCountInt(5)
		.setSum(3)
		.setSchema(-53)
		.setZeroCountInt(0)
		.addPositiveSpans(span(0, 4))
		.addAllPositiveDeltas(List.of(1L, 0L, 1L, -1L))
		.addAllCustomValues(List.of(0.1, 0.5, 1.0))
		.build();

	@Test
	void latestRangeAndFollowReturnEveryKindOfHistogramAsWritten() throws Exception {
		Tsdb store = openStore();
		append(store, series("integer", at(INTEGER, 1000)), series("float", at(FLOAT, 1000)),
				series("custom", at(CUSTOM, 1000)));
		append(store, series("integer", at(INTEGER.toBuilder().setCountInt(7).setPositiveSpans(1, span(1, 2)).addPositiveDeltas(0).build(), 2000)));
		GrpcReadServer server = server(store);

		assertThat(latest(server)).containsExactlyInAnyOrder(series("integer",
				at(INTEGER.toBuilder().setCountInt(7).setPositiveSpans(1, span(1, 2)).addPositiveDeltas(0).build(), 2000)),
				series("float", at(FLOAT, 1000)), series("custom", at(CUSTOM, 1000)));
		assertThat(range(server, 0, 1500)).containsExactlyInAnyOrder(series("integer", at(INTEGER, 1000)),
				series("float", at(FLOAT, 1000)), series("custom", at(CUSTOM, 1000)));

		Iterator<TimeSeries> follow = follow(server);
		for (int i = 0; i < 3; i++) {
			follow.next();
		}
		TimeSeries mixed = series("custom", at(CUSTOM.toBuilder().setCountInt(6).setPositiveDeltas(3, 0).build(), 3000))
			.toBuilder()
			.addSamples(Sample.newBuilder().setValue(4).setTimestamp(2500))
			.build();
		append(store, mixed);
		// A stored series with a sample and a histogram is read as one series per sample or histogram.
		assertThat(List.of(follow.next(), follow.next())).containsExactly(
				series("custom", null).toBuilder().addSamples(Sample.newBuilder().setValue(4).setTimestamp(2500)).build(),
				series("custom", at(CUSTOM.toBuilder().setCountInt(6).setPositiveDeltas(3, 0).build(), 3000)));
	}

	@Test
	void theNewestOfAFloatAndAHistogramIsTheLatestAlsoAfterTheStoreIsReopened() throws Exception {
		Tsdb store = openStore();
		append(store, series("custom", at(CUSTOM, 1000)));
		append(store, series("custom", null).toBuilder().addSamples(Sample.newBuilder().setValue(1).setTimestamp(900)).build());
		store.close();
		Tsdb reopened = openStore();
		assertThat(latest(server(reopened))).containsExactly(series("custom", at(CUSTOM, 1000)));
	}

	@Test
	void latestReturnsTheNewestExemplarAndRangeAndFollowEachOneAsWritten() throws Exception {
		Tsdb store = openStore();
		Exemplar first = Exemplar.newBuilder()
			.addLabels(label("trace_id", "4bf92f3577b34da6"))
			.setValue(0.25)
			.setTimestamp(1100)
			.build();
		TimeSeries withExemplar = series("integer", null).toBuilder()
			.addSamples(Sample.newBuilder().setValue(3).setTimestamp(1000))
			.addExemplars(first)
			.build();
		append(store, withExemplar);
		GrpcReadServer server = server(store);
		TimeSeries exemplarOnly = series("integer", null).toBuilder().addExemplars(first).build();
		assertThat(latest(server)).containsExactly(
				series("integer", null).toBuilder().addSamples(Sample.newBuilder().setValue(3).setTimestamp(1000)).build(),
				exemplarOnly);
		assertThat(range(server, 0, 2000)).containsExactly(
				series("integer", null).toBuilder().addSamples(Sample.newBuilder().setValue(3).setTimestamp(1000)).build(),
				exemplarOnly);
		assertThat(range(server, 0, 1050)).as("an exemplar is in a range by its own timestamp").hasSize(1);
		Iterator<TimeSeries> follow = follow(server);
		follow.next();
		follow.next();
		Exemplar second = first.toBuilder().setValue(0.5).setTimestamp(2100).clearLabels().addLabels(label("trace_id", "b")).build();
		append(store, series("integer", null).toBuilder()
			.addSamples(Sample.newBuilder().setValue(4).setTimestamp(2000))
			.addExemplars(second)
			.build());
		assertThat(List.of(follow.next(), follow.next())).containsExactly(
				series("integer", null).toBuilder().addSamples(Sample.newBuilder().setValue(4).setTimestamp(2000)).build(),
				series("integer", null).toBuilder().addExemplars(second).build());
	}

	@Test
	void latestReturnsExemplarsSentInSeriesOfTheirOwnAsPrometheus3SendsThem() throws Exception {
		Tsdb store = openStore();
		Exemplar trace = Exemplar.newBuilder().addLabels(label("trace_id", "4bf92f35")).setValue(1).setTimestamp(900).build();
		TimeSeries exemplarOnly = series("integer", null).toBuilder().addExemplars(trace).build();
		append(store, exemplarOnly);
		GrpcReadServer server = server(store);
		assertThat(latest(server)).as("exemplars before any sample").containsExactly(exemplarOnly);
		TimeSeries sample = series("integer", null).toBuilder()
			.addSamples(Sample.newBuilder().setValue(3).setTimestamp(1000))
			.build();
		append(store, sample);
		assertThat(latest(server)).containsExactly(sample, exemplarOnly);
		Exemplar newer = trace.toBuilder().setTimestamp(1000).build();
		append(store, sample.toBuilder().clearSamples().addExemplars(newer).build());
		assertThat(latest(server)).containsExactly(sample, series("integer", null).toBuilder().addExemplars(newer).build());
		store.close();
		assertThat(latest(server(openStore()))).as("after the store is reopened")
			.containsExactly(sample, series("integer", null).toBuilder().addExemplars(newer).build());
	}

	@Test
	void eachModeSendsAFamilysMetadataOnceBeforeItsFirstSeries() throws Exception {
		Tsdb store = openStore();
		MetricMetadata histogram = MetricMetadata.newBuilder()
			.setMetricFamilyName("request_seconds")
			.setType(MetricMetadata.MetricType.HISTOGRAM)
			.setHelp("Time to answer.")
			.setUnit("seconds")
			.build();
		MetricMetadata counter = MetricMetadata.newBuilder()
			.setMetricFamilyName("requests")
			.setType(MetricMetadata.MetricType.COUNTER)
			.setHelp("Requests answered.")
			.build();
		append(store, WriteRequest.newBuilder().addMetadata(histogram).addMetadata(counter).build());
		TimeSeries total = TimeSeries.newBuilder()
			.addLabels(label("__name__", "requests_total"))
			.addLabels(label("code", "200"))
			.addSamples(Sample.newBuilder().setValue(7).setTimestamp(1000))
			.build();
		TimeSeries otherCode = total.toBuilder().setLabels(1, label("code", "500")).build();
		append(store, series("integer", at(INTEGER, 1000)), total, otherCode);
		GrpcReadServer server = server(store);
		TimeSeries histogramFamily = TimeSeries.newBuilder().addLabels(NAME).setMetadata(histogram).build();
		TimeSeries counterFamily = TimeSeries.newBuilder().addLabels(label("__name__", "requests")).setMetadata(counter).build();
		Iterator<TimeSeries> follow = follow(server);
		List<TimeSeries> followed = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			followed.add(follow.next());
		}
		for (List<TimeSeries> read : List.of(latest(server), range(server, 0, 2000), followed)) {
			assertThat(read).hasSize(5).containsOnlyOnce(histogramFamily, counterFamily);
			assertThat(read.indexOf(histogramFamily)).isEqualTo(read.indexOf(series("integer", at(INTEGER, 1000))) - 1);
			assertThat(read.indexOf(counterFamily))
				.isEqualTo(Math.min(read.indexOf(total), read.indexOf(otherCode)) - 1);
		}
	}

	@Test
	void eachModeSendsASeriesCreatedTimestampWithItsSamples() throws Exception {
		Tsdb store = openStore();
		TimeSeries counter = series("integer", null).toBuilder()
			.addSamples(Sample.newBuilder().setValue(3).setTimestamp(1000))
			.setCreatedTimestamp(400)
			.build();
		TimeSeries histogram = series("custom", at(CUSTOM, 1000)).toBuilder().setCreatedTimestamp(300).build();
		append(store, counter, histogram);
		GrpcReadServer server = server(store);
		assertThat(latest(server)).containsExactlyInAnyOrder(counter, histogram);
		assertThat(range(server, 0, 2000)).containsExactlyInAnyOrder(counter, histogram);
		Iterator<TimeSeries> follow = follow(server);
		follow.next();
		follow.next();
		TimeSeries later = counter.toBuilder().setSamples(0, Sample.newBuilder().setValue(4).setTimestamp(2000)).build();
		append(store, later);
		assertThat(follow.next()).isEqualTo(later);
		// A counter reset within one request, as the receiver writes a 2.0 series with start timestamps
		// per sample: two series of the same labels, each with its own created timestamp.
		TimeSeries beforeReset = counter.toBuilder().setSamples(0, Sample.newBuilder().setValue(9).setTimestamp(3000)).build();
		TimeSeries afterReset = counter.toBuilder()
			.setSamples(0, Sample.newBuilder().setValue(1).setTimestamp(4000))
			.setCreatedTimestamp(3500)
			.build();
		append(store, beforeReset, afterReset);
		assertThat(List.of(follow.next(), follow.next())).containsExactly(beforeReset, afterReset);
		assertThat(range(server, 2500, 5000)).containsExactly(beforeReset, afterReset);
		assertThat(latest(server)).containsExactlyInAnyOrder(afterReset, histogram);
	}

	private Tsdb openStore() throws Exception {
		return this.closeables.add(Tsdb.open(TsdbOptions.defaults(this.dataDir).withFsync(FsyncPolicy.NEVER),
				Clock.systemUTC()));
	}

	private GrpcReadServer server(Tsdb store) {
		PrometheusGrpcService service = new PrometheusGrpcService(store,
				new ReadLimits(16, 16, 8, 64, 4096, 100, 1 << 20, 2, 64), new SimpleMeterRegistry());
		return this.closeables.add(GrpcReadServer.start("127.0.0.1", 0, service, Duration.ofSeconds(1), Duration.ofSeconds(1)));
	}

	/** A FOLLOW call, cancelled when the test ends. */
	private Iterator<TimeSeries> follow(GrpcReadServer server) throws Exception {
		Context.CancellableContext call = Context.current().withCancellation();
		this.closeables.add(() -> call.cancel(null));
		return call.call(() -> PrometheusServiceGrpc.newBlockingStub(channel(server))
			.withDeadlineAfter(30, TimeUnit.SECONDS)
			.getMetrics(request(ReadMode.FOLLOW, 0, 0)));
	}

	private List<TimeSeries> latest(GrpcReadServer server) {
		List<TimeSeries> series = new ArrayList<>();
		PrometheusServiceGrpc.newBlockingStub(channel(server))
			.withDeadlineAfter(10, TimeUnit.SECONDS)
			.getMetrics(request(ReadMode.LATEST, 0, 0))
			.forEachRemaining(series::add);
		return series;
	}

	/** Through the batched method, to check its encoding of histograms too. */
	private List<TimeSeries> range(GrpcReadServer server, long start, long end) {
		List<TimeSeries> series = new ArrayList<>();
		Iterator<MetricsBatch> batches = PrometheusServiceGrpc.newBlockingStub(channel(server))
			.withDeadlineAfter(10, TimeUnit.SECONDS)
			.getMetricsBatches(request(ReadMode.RANGE, start, end));
		batches.forEachRemaining(batch -> series.addAll(batch.getTimeSeriesList()));
		return series;
	}

	private ManagedChannel channel(GrpcReadServer server) {
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
		this.closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		return channel;
	}

	private static GetMetricsRequest request(ReadMode mode, long start, long end) {
		return GetMetricsRequest.newBuilder().setMode(mode).setStartTimestampMs(start).setEndTimestampMs(end).build();
	}

	private static void append(Tsdb store, TimeSeries... series) throws Exception {
		append(store, WriteRequest.newBuilder().addAllTimeseries(List.of(series)).build());
	}

	private static void append(Tsdb store, WriteRequest request) throws Exception {
		store.append(WriteRequestDecoder.decode(request.toByteArray())).get(10, TimeUnit.SECONDS);
	}

	/** A series of the kind's labels (sorted, as the index keys them) with one histogram, or none. */
	private static TimeSeries series(String kind, Histogram histogram) {
		TimeSeries.Builder series = TimeSeries.newBuilder().addLabels(NAME).addLabels(label("kind", kind));
		return (histogram != null) ? series.addHistograms(histogram).build() : series.build();
	}

	private static Histogram at(Histogram histogram, long timestamp) {
		return histogram.toBuilder().setTimestamp(timestamp).build();
	}

	private static Label label(String name, String value) {
		return Label.newBuilder().setName(name).setValue(value).build();
	}

	private static BucketSpan span(int offset, int length) {
		return BucketSpan.newBuilder().setOffset(offset).setLength(length).build();
	}

}
