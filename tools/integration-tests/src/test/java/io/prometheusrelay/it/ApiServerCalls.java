package io.prometheusrelay.it;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClient;
import io.prometheusrelay.transport.RelayClientOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tells api-servers apart behind a load balancer: each stores a series naming it, and a call's
 * answer names the api-server that served it.
 */
final class ApiServerCalls {

	private ApiServerCalls() {
	}

	/** Stores one {@code haproxy_test} series labelled {@code server}, through the relay port, as the forwarder would. */
	static void store(String host, int relayPort, String server) {
		RelayClientOptions options = new RelayClientOptions(1 << 20, 8, Duration.ofSeconds(10), Duration.ofSeconds(2),
				Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500));
		try (RelayClient client = new RelayClient(server, host, relayPort, options, new SimpleMeterRegistry()).start()) {
			await().atMost(Duration.ofSeconds(10)).until(client::isConnected);
			WriteRequest request = WriteRequest.newBuilder()
				.addTimeseries(TimeSeries.newBuilder()
					.addLabels(Label.newBuilder().setName("__name__").setValue("haproxy_test"))
					.addLabels(Label.newBuilder().setName("server").setValue(server))
					.addSamples(Sample.newBuilder().setValue(1).setTimestamp(System.currentTimeMillis())))
				.build();
			assertThat(client.send(request.toByteArray()).block(Duration.ofSeconds(10))).isEqualTo(BatchOutcome.ack());
		}
	}

	/** Makes {@code calls} LATEST calls and counts which api-server's data each one returned. */
	static Map<String, Integer> answeredBy(ManagedChannel channel, int calls) {
		Map<String, Integer> answeredBy = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			TimeSeries series = PrometheusServiceGrpc.newBlockingStub(channel)
				.withDeadlineAfter(10, TimeUnit.SECONDS)
				.getMetrics(GetMetricsRequest.getDefaultInstance())
				.next();
			String server = series.getLabelsList()
				.stream()
				.filter(label -> label.getName().equals("server"))
				.findFirst()
				.orElseThrow()
				.getValue();
			answeredBy.merge(server, 1, Integer::sum);
		}
		return answeredBy;
	}

}
