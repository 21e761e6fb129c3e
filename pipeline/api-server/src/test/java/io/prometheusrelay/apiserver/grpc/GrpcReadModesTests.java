package io.prometheusrelay.apiserver.grpc;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.query.Selector;
import io.prometheusrelay.apiserver.wire.WriteRequestDecoder;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.tsdb.FsyncPolicy;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** FOLLOW and RANGE reads over a real loopback gRPC server and a real store. */
class GrpcReadModesTests extends GrpcServiceTestBase {

	@Test
	void followSendsTheLatestThenEverySampleStoredAfterTheCallStarted() throws Exception {
		PrometheusGrpcService service = service(defaultLimits());
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0, service, Duration.ofSeconds(1),
				Duration.ofSeconds(1)));
		Context.CancellableContext context = Context.current().withCancellation();
		Iterator<TimeSeries> stream = context.call(() -> PrometheusServiceGrpc.newBlockingStub(channel(server))
			.getMetrics(request(matcher(LabelMatcher.Type.EQ, "instance", "a")).toBuilder().setMode(ReadMode.FOLLOW).build()));
		Map<String, String> received = new TreeMap<>();
		put(received, stream.next());
		assertThat(received).containsExactly(Map.entry("{__name__=up, instance=a, job=node}", "5.0@2000"));
		append(series("up", 6, 3000, "job", "node", "instance", "a"), series("up", 9, 3000, "job", "node", "instance", "b"));
		append(series("up", 7, 4000, "job", "node", "instance", "a"));
		received.clear();
		put(received, stream.next());
		assertThat(received).containsExactly(Map.entry("{__name__=up, instance=a, job=node}", "6.0@3000"));
		received.clear();
		put(received, stream.next());
		assertThat(received).containsExactly(Map.entry("{__name__=up, instance=a, job=node}", "7.0@4000"));
		context.cancel(null);
		await().atMost(Duration.ofSeconds(5)).until(() -> service.activeCalls() == 0);
	}

	@Test
	void followEndsAFollowerThatFallsTooFarBehind() throws Exception {
		FollowSource follow = this.closeables.add(new FollowSource(this.store, Selector.all(), 2));
		for (int i = 0; i < 3; i++) {
			append(series("up", i, 5000 + i, "job", "node", "instance", "a"));
		}
		assertThat(follow.failure()).hasValueSatisfying(status -> {
			assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
			assertThat(status.getDescription()).startsWith("follower too slow");
		});
	}

	@Test
	void rangeStreamsEveryStoredSampleInRangeAcrossBlocksAndTheHeadAndAfterARestart() throws Exception {
		Path rangeDir = this.dataDir.resolve("range");
		TsdbOptions options = TsdbOptions.defaults(rangeDir).withFsync(FsyncPolicy.NEVER);
		Tsdb rangeStore = Tsdb.open(options, Clock.systemUTC());
		long start = 1_767_225_600_000L;
		// Eight hours at a 10-minute step: blocks are cut from the head's first ranges.
		for (int i = 0; i < 48; i++) {
			rangeStore.append(WriteRequestDecoder.decode(WriteRequest.newBuilder()
				.addTimeseries(series("r", i, start + i * 600_000L, "job", "range"))
				.addTimeseries(series("other", i, start + i * 600_000L, "job", "range"))
				.build()
				.toByteArray())).get(10, TimeUnit.SECONDS);
		}
		rangeStore.compactNow();
		assertThat(rangeStore.blocks()).as("blocks cut").isNotEmpty();
		long from = start + 600_000L * 3;
		long to = start + 600_000L * 45;
		GetMetricsRequest request = request(matcher(LabelMatcher.Type.EQ, "__name__", "r")).toBuilder()
			.setMode(ReadMode.RANGE)
			.setStartTimestampMs(from)
			.setEndTimestampMs(to)
			.build();
		List<Long> expected = new ArrayList<>();
		for (long t = from; t <= to; t += 600_000L) {
			expected.add(t);
		}
		assertThat(rangeTimestamps(rangeStore, request)).isEqualTo(expected);
		rangeStore.close();
		Tsdb restarted = this.closeables.add(Tsdb.open(options, Clock.systemUTC()));
		assertThat(rangeTimestamps(restarted, request)).isEqualTo(expected);
	}

	@Test
	void recordsEachCallsDurationUnderItsMethodAndMode() {
		read(request());
		read(request().toBuilder().setMode(ReadMode.RANGE).setStartTimestampMs(0).setEndTimestampMs(1500).build());
		read(request().toBuilder().setMode(ReadMode.RANGE).setStartTimestampMs(0).setEndTimestampMs(1500).build());
		assertThat(duration("latest").count()).isEqualTo(1);
		assertThat(duration("range").count()).isEqualTo(2);
		assertThat(duration("range").totalTime(TimeUnit.NANOSECONDS)).isPositive();
		assertThat(duration("follow").count()).isZero();
	}

	private Timer duration(String mode) {
		return this.registry.get("relay.grpc.call.duration").tag("method", "GetMetrics").tag("mode", mode).timer();
	}

	@Test
	void refusesAnInvertedRange() {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> read(request().toBuilder().setMode(ReadMode.RANGE).setStartTimestampMs(2000).setEndTimestampMs(1000).build()))
			.satisfies(ex -> {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
				assertThat(ex.getStatus().getDescription()).isEqualTo("inverted range: end 1000 is before start 2000");
			});
	}

	private List<Long> rangeTimestamps(Tsdb rangeStore, GetMetricsRequest request) {
		PrometheusGrpcService service = new PrometheusGrpcService(rangeStore, defaultLimits(), new SimpleMeterRegistry());
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0, service, Duration.ofSeconds(1),
				Duration.ofSeconds(1)));
		List<Long> timestamps = new ArrayList<>();
		PrometheusServiceGrpc.newBlockingStub(channel(server))
			.withDeadlineAfter(10, TimeUnit.SECONDS)
			.getMetricsBatches(request)
			.forEachRemaining(batch -> batch.getTimeSeriesList()
				.forEach(series -> series.getSamplesList().forEach(sample -> timestamps.add(sample.getTimestamp()))));
		timestamps.sort(null);
		return timestamps;
	}

}
