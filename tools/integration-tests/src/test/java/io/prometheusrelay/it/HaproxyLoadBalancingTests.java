package io.prometheusrelay.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.harness.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Debian's HAProxy with {@code deploy/haproxy/haproxy-static.cfg} in front of two api-server processes
 * holding different data: calls are spread over both, and keep succeeding after one is killed.
 */
class HaproxyLoadBalancingTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path workDir;

	@Test
	void spreadsCallsOverBothApiServersAndSurvivesLosingOne() throws Exception {
		HaproxyServer.assumeInstalled();
		ServiceProcess[] servers = new ServiceProcess[2];
		int[] grpcPorts = new int[2];
		for (int i = 0; i < 2; i++) {
			int relayPort = FreePorts.next();
			grpcPorts[i] = FreePorts.next();
			servers[i] = this.closeables.add(Pipeline.apiServer("api-server-" + (i + 1), this.workDir,
					this.workDir.resolve("data-" + (i + 1)), relayPort, grpcPorts[i]).start());
			servers[i].awaitHealthy(Pipeline.startupTimeout());
			ApiServerCalls.store("127.0.0.1", relayPort, "api-server-" + (i + 1));
		}
		HaproxyServer haproxy = this.closeables.add(HaproxyServer.inFrontOf(grpcPorts[0], servers[0].httpPort(),
				grpcPorts[1], servers[1].httpPort(), this.workDir));
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", haproxy.port()).usePlaintext().build();
		this.closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));

		Map<String, Integer> answeredBy = ApiServerCalls.answeredBy(channel, 10);
		assertThat(answeredBy).as("calls over one client connection, each balanced on its own")
			.containsOnlyKeys("api-server-1", "api-server-2");
		assertThat(answeredBy.values()).allMatch(calls -> calls >= 3);

		servers[0].kill();
		await().atMost(Duration.ofSeconds(10)).until(() -> haproxy.serverStatus("api-server-1").startsWith("DOWN"));
		assertThat(ApiServerCalls.answeredBy(channel, 10)).isEqualTo(Map.of("api-server-2", 10));
	}

	@Test
	void keepsAQuietFollowStreamOpenPastHaproxysUsualTimeouts() throws Exception {
		HaproxyServer.assumeInstalled();
		int[] relayPorts = new int[2];
		int[] grpcPorts = new int[2];
		ServiceProcess[] servers = new ServiceProcess[2];
		for (int i = 0; i < 2; i++) {
			relayPorts[i] = FreePorts.next();
			grpcPorts[i] = FreePorts.next();
			servers[i] = this.closeables.add(Pipeline.apiServer("api-server-" + (i + 1), this.workDir,
					this.workDir.resolve("data-" + (i + 1)), relayPorts[i], grpcPorts[i]).start());
		}
		for (int i = 0; i < 2; i++) {
			servers[i].awaitHealthy(Pipeline.startupTimeout());
			ApiServerCalls.store("127.0.0.1", relayPorts[i], "api-server-" + (i + 1));
		}
		HaproxyServer haproxy = this.closeables.add(HaproxyServer.inFrontOf(grpcPorts[0], servers[0].httpPort(),
				grpcPorts[1], servers[1].httpPort(), this.workDir));
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", haproxy.port()).usePlaintext().build();
		this.closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
		io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
		this.closeables.add(() -> context.cancel(null));
		java.util.Iterator<TimeSeries> stream = context.call(() -> PrometheusServiceGrpc.newBlockingStub(channel)
			.getMetrics(GetMetricsRequest.newBuilder().setMode(io.prometheusrelay.protocol.api.ReadMode.FOLLOW).build()));
		assertThat(stream.next().getLabelsList()).extracting(Label::getValue).contains("haproxy_test");

		// Silent for longer than the 50 s client/server timeouts of Debian's stock haproxy.cfg.
		Thread.sleep(55_000);
		for (int i = 0; i < 2; i++) {
			ApiServerCalls.store("127.0.0.1", relayPorts[i], "after-the-quiet");
		}
		assertThat(stream.next().getLabelsList()).extracting(Label::getValue).contains("after-the-quiet");
	}

}
