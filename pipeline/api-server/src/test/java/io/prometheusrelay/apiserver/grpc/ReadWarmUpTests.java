package io.prometheusrelay.apiserver.grpc;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.prometheusrelay.apiserver.wire.WriteRequestDecoder;
import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.tsdb.FsyncPolicy;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read path's warm-up before the server takes calls: it reads what a RANGE of the head's newest
 * minutes would, no more than its limits, and leaves every RANGE permit to the calls after it.
 */
class ReadWarmUpTests extends GrpcServiceTestBase {

	@TempDir
	Path otherDir;

	@Test
	void readsTheNewestMinutesOfTheSeriesNamedAsOneOfTheHead() throws Exception {
		ReadWarmUp.Result result = closed(service(defaultLimits())).warmUp(Duration.ofSeconds(10));
		// Three series are named up, two http_requests_total: which name is read depends on the head's order.
		assertThat(result.series()).isIn(2, 3);
		assertThat(result.bytes()).isPositive();
	}

	@Test
	void readsAtMostItsSeriesLimitFromARange() throws Exception {
		try (Tsdb store = Tsdb.open(TsdbOptions.defaults(this.otherDir).withFsync(FsyncPolicy.NEVER), Clock.systemUTC())) {
			List<TimeSeries> batch = new ArrayList<>();
			for (int i = 0; i < 2 * ReadWarmUp.MAX_SERIES; i++) {
				batch.add(series("filler", i, 3000, "n", Integer.toString(i)));
			}
			store.append(WriteRequestDecoder.decode(WriteRequest.newBuilder().addAllTimeseries(batch).build().toByteArray()))
				.get();
			ReadWarmUp.Result result = closed(new PrometheusGrpcService(store, defaultLimits(), this.registry))
				.warmUp(Duration.ofSeconds(10));
			// It stops after the message that reaches the limit: a message holds up to maxBatchSeries.
			assertThat(result.series()).isBetween(ReadWarmUp.MAX_SERIES,
					ReadWarmUp.MAX_SERIES + defaultLimits().maxBatchSeries() - 1);
		}
	}

	@Test
	void readsNothingFromAnEmptyStoreOrWithoutTime() throws Exception {
		try (Tsdb empty = Tsdb.open(TsdbOptions.defaults(this.otherDir).withFsync(FsyncPolicy.NEVER), Clock.systemUTC())) {
			assertThat(closed(new PrometheusGrpcService(empty, defaultLimits(), this.registry))
				.warmUp(Duration.ofSeconds(10))
				.series()).isZero();
		}
		assertThat(closed(service(defaultLimits())).warmUp(Duration.ZERO).series()).isZero();
	}

	@Test
	void leavesEveryRangePermitToTheCallsAfterIt() throws Exception {
		PrometheusGrpcService service = closed(service(defaultLimits()));
		for (int i = 0; i < 3; i++) {
			assertThat(service.warmUp(Duration.ofSeconds(10)).series()).isPositive();
			awaitEveryRangePermit(service);
		}
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0, service,
				Duration.ofSeconds(1), Duration.ofSeconds(1)));
		List<TimeSeries> read = new ArrayList<>();
		stub(server).getMetrics(request(matcher(LabelMatcher.Type.EQ, "__name__", "up")).toBuilder()
			.setMode(ReadMode.RANGE)
			.setStartTimestampMs(0)
			.setEndTimestampMs(5000)
			.build()).forEachRemaining(read::add);
		assertThat(read).hasSize(3);
		awaitEveryRangePermit(service);
	}

	/** A reader gives its permit back just after its last series: soon after the warm-up returns. */
	private static void awaitEveryRangePermit(PrometheusGrpcService service) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (service.rangeReadsAvailable() < defaultLimits().maxConcurrentRangeReads()
				&& System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(service.rangeReadsAvailable()).isEqualTo(defaultLimits().maxConcurrentRangeReads());
	}

	private PrometheusGrpcService closed(PrometheusGrpcService service) {
		this.closeables.add(service::close);
		return service;
	}

}
