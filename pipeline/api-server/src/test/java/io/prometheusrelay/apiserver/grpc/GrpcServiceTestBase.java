package io.prometheusrelay.apiserver.grpc;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.wire.WriteRequestDecoder;
import io.prometheusrelay.original.PrometheusServiceGrpc.PrometheusServiceBlockingStub;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.tsdb.FsyncPolicy;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the read API's tests share: a real store, opened with a few series in it, a real loopback
 * gRPC server over it, and the requests and series the tests build.
 */
abstract class GrpcServiceTestBase {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path dataDir;

	final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	Tsdb store;

	@BeforeEach
	void openStore() throws Exception {
		this.store = this.closeables.add(Tsdb.open(TsdbOptions.defaults(this.dataDir).withFsync(FsyncPolicy.NEVER),
				Clock.systemUTC()));
		append(series("up", 1, 1000, "job", "node", "instance", "a"), series("up", 0, 1000, "job", "node", "instance", "b"),
				series("up", 1, 1000, "job", "api", "instance", "c"),
				series("http_requests_total", 42, 1000, "job", "api", "instance", "c", "code", "200"),
				series("http_requests_total", 7, 1000, "job", "api", "instance", "c", "code", "500"));
		append(series("up", 5, 2000, "job", "node", "instance", "a"));
	}

	Map<String, String> read(GetMetricsRequest request) {
		Map<String, String> latest = new TreeMap<>();
		stub(server(defaultLimits())).getMetrics(request).forEachRemaining(series -> put(latest, series));
		return latest;
	}

	static void put(Map<String, String> latest, TimeSeries series) {
		String labels = series.getLabelsList()
			.stream()
			.map(label -> label.getName() + "=" + label.getValue())
			.collect(Collectors.joining(", ", "{", "}"));
		assertThat(series.getSamplesCount()).isEqualTo(1);
		latest.put(labels, series.getSamples(0).getValue() + "@" + series.getSamples(0).getTimestamp());
	}

	GrpcReadServer server(ReadLimits limits) {
		return this.closeables.add(GrpcReadServer.start("127.0.0.1", 0, service(limits), Duration.ofSeconds(1),
				Duration.ofSeconds(1)));
	}

	PrometheusGrpcService service(ReadLimits limits) {
		return new PrometheusGrpcService(this.store, limits, this.registry);
	}

	static ReadLimits defaultLimits() {
		return new ReadLimits(16, 16, 8, 64, 4096, 100, 1 << 20, 2, 64);
	}

	ManagedChannel channel(GrpcReadServer server) {
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
		this.closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		return channel;
	}

	PrometheusServiceGrpc.PrometheusServiceBlockingStub stub(GrpcReadServer server) {
		return PrometheusServiceGrpc.newBlockingStub(channel(server));
	}

	static GetMetricsRequest request(LabelMatcher... matchers) {
		return GetMetricsRequest.newBuilder().setId(1).addAllMatchers(List.of(matchers)).build();
	}

	static LabelMatcher matcher(LabelMatcher.Type type, String name, String value) {
		return LabelMatcher.newBuilder().setType(type).setName(name).setValue(value).build();
	}

	void append(TimeSeries... series) throws Exception {
		append(WriteRequest.newBuilder().addAllTimeseries(List.of(series)).build());
	}

	void append(WriteRequest request) throws Exception {
		this.store.append(WriteRequestDecoder.decode(request.toByteArray())).get(10, TimeUnit.SECONDS);
	}

	void fill(int count) throws Exception {
		fill(count, "");
	}

	void fill(int count, String padding) throws Exception {
		List<TimeSeries> batch = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			batch.add(padding.isEmpty() ? series("filler", i, 3000, "job", "fill", "n", Integer.toString(i))
					: series("filler", i, 3000, "job", "fill", "n", Integer.toString(i), "pad", padding));
			if (batch.size() == 5000) {
				append(batch.toArray(TimeSeries[]::new));
				batch.clear();
			}
		}
		if (!batch.isEmpty()) {
			append(batch.toArray(TimeSeries[]::new));
		}
	}

	static TimeSeries series(String name, double value, long timestamp, String... labels) {
		TreeMap<String, String> sorted = new TreeMap<>();
		sorted.put("__name__", name);
		for (int i = 0; i < labels.length; i += 2) {
			sorted.put(labels[i], labels[i + 1]);
		}
		TimeSeries.Builder builder = TimeSeries.newBuilder();
		sorted.forEach((n, v) -> builder.addLabels(Label.newBuilder().setName(n).setValue(v)));
		return builder.addSamples(Sample.newBuilder().setValue(value).setTimestamp(timestamp)).build();
	}

}
