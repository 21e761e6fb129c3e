package io.prometheusrelay.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.MetricsBatch;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;

import static org.assertj.core.api.Assertions.assertThat;

/** What one api-server holds of a {@link RemoteWriteLoad}, read with RANGE from that api-server alone. */
final class ReplicaContents {

	private ReplicaContents() {
	}

	/** Asserts that the api-server on {@code grpcPort} holds every acked sample exactly once, and nothing else. */
	static void assertHoldsEveryAckedSampleOnce(int grpcPort, List<RemoteWriteLoad.Acked> acked, String replica) {
		Map<String, Integer> stored = rangeRead(grpcPort);
		List<Long> missing = new ArrayList<>();
		List<String> twice = new ArrayList<>();
		for (RemoteWriteLoad.Acked request : acked) {
			for (String sample : RemoteWriteLoad.samples(request.sequence())) {
				int copies = stored.getOrDefault(sample, 0);
				if (copies == 0 && !missing.contains(request.sequence())) {
					missing.add(request.sequence());
				}
				if (copies > 1) {
					twice.add(sample);
				}
			}
		}
		assertThat(missing).as("acknowledged requests missing on %s", replica).isEmpty();
		assertThat(twice).as("samples stored more than once on %s", replica).isEmpty();
		assertThat(stored).as("%s holds only what was sent", replica)
			.hasSize(acked.size() * RemoteWriteLoad.SERIES_PER_REQUEST);
	}

	/** Every stored {@code loss_test} sample of one api-server, read with RANGE, and how often it came. */
	static Map<String, Integer> rangeRead(int grpcPort) {
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort)
			.usePlaintext()
			.maxInboundMessageSize(16 << 20)
			.build();
		try {
			Iterator<MetricsBatch> batches = PrometheusServiceGrpc.newBlockingStub(channel)
				.withDeadlineAfter(60, TimeUnit.SECONDS)
				.getMetricsBatches(GetMetricsRequest.newBuilder()
					.setMode(ReadMode.RANGE)
					.setStartTimestampMs(1)
					.addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("loss_test"))
					.build());
			Map<String, Integer> samples = new HashMap<>();
			while (batches.hasNext()) {
				for (TimeSeries series : batches.next().getTimeSeriesList()) {
					String key = StoredSeries.key(series).toString();
					for (Sample sample : series.getSamplesList()) {
						samples.merge(key + "@" + sample.getTimestamp() + "=" + sample.getValue(), 1, Integer::sum);
					}
				}
			}
			return samples;
		}
		finally {
			channel.shutdownNow();
		}
	}

}
