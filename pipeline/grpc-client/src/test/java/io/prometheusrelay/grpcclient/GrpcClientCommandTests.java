package io.prometheusrelay.grpcclient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.harness.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command on its own: its exit codes, usage and fallback to the original contract. Against a real
 * api-server it is tested in the integration tests ({@code GrpcClientReadsApiServerTests}).
 */
class GrpcClientCommandTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@Test
	void fallsBackToGetMetricsOnAServerWithoutTheBatchedMethod() throws Exception {
		Server original = NettyServerBuilder.forPort(0).addService(new PrometheusServiceGrpc.PrometheusServiceImplBase() {
			@Override
			public void getMetrics(GetMetricsRequest request, StreamObserver<TimeSeries> observer) {
				observer.onNext(series("legacy", 3, "job", "old"));
				observer.onCompleted();
			}
		}).build().start();
		this.closeables.add(() -> original.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		assertThat(run("--lb-addr=127.0.0.1:" + original.getPort())).isEqualTo(0);
		assertThat(output()).startsWith("legacy{job=\"old\"} 3.0 ");
	}

	@Test
	void exitsWithUnreachableWhenNothingListens() {
		assertThat(run("--lb-addr=127.0.0.1:" + FreePorts.next(), "--deadline=5s")).isEqualTo(GrpcClientCommand.UNREACHABLE);
	}

	@Test
	void exitsWithUsageForABadCommandLineAndSaysWhyOnStderr() {
		assertThat(run("--mode=sideways")).isEqualTo(GrpcClientCommand.USAGE);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).startsWith("grpc-client: unknown --mode 'sideways'");
		assertThat(output()).isEmpty();
	}

	@Test
	void printsHelp() {
		assertThat(run("--help")).isEqualTo(0);
		assertThat(output()).startsWith("Usage: grpc-client [options]").contains("SUBSCRIBED_METRIC");
	}

	private int run(String... args) {
		return GrpcClientCommand.run(args, Map.of(), new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

	private String output() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	private static TimeSeries series(String name, double value, String... labels) {
		java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
		sorted.put("__name__", name);
		for (int i = 0; i < labels.length; i += 2) {
			sorted.put(labels[i], labels[i + 1]);
		}
		TimeSeries.Builder builder = TimeSeries.newBuilder();
		sorted.forEach((n, v) -> builder.addLabels(Label.newBuilder().setName(n).setValue(v)));
		return builder.addSamples(Sample.newBuilder().setValue(value).setTimestamp(System.currentTimeMillis())).build();
	}

}
