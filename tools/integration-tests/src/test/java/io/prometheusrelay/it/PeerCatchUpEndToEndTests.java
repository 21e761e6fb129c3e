package io.prometheusrelay.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.prometheusrelay.forwarder.ForwarderApplication;
import io.prometheusrelay.receiver.ReceiverApplication;
import io.prometheusrelay.harness.FreePorts;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the forwarder's hand-off cannot bring, a replica gets from its peer: per replica, read from
 * each api-server alone, every acknowledged sample exactly once. Once for a new, empty api-server
 * added next to a full one (scale-out, unknown to the forwarder), once for an api-server that was
 * away longer than the hand-off could hold and than a block's range, so that what it copies from its
 * peer comes from the peer's blocks and lands in ranges it has blocks of already.
 */
class PeerCatchUpEndToEndTests {

	@TempDir
	Path workDir;

	private final int[] relayPorts = { FreePorts.next(), FreePorts.next() };

	private final int[] grpcPorts = { FreePorts.next(), FreePorts.next() };

	private final int forwarderRelayPort = FreePorts.next();

	@Test
	void anApiServerStartedEmptyNextToAFullPeerComesToHoldEveryAckedSampleOnce() throws Exception {
		ServiceProcess full = apiServer(0);
		ServiceProcess added = apiServer(1);
		// The forwarder knows api-server-1 only: whatever api-server-2 gets, it gets from its peer.
		ServiceProcess forwarder = forwarder(List.of());
		ServiceProcess receiver = receiver();
		try (full; added; forwarder; receiver) {
			startAll(full, forwarder, receiver);
			RemoteWriteLoad load = new RemoteWriteLoad(receiver.url("/api/v1/write"), 4, Duration.ofMillis(10));
			Thread.sleep(5000);
			load.close();
			List<RemoteWriteLoad.Acked> acked = acked(load);
			ReplicaContents.assertHoldsEveryAckedSampleOnce(this.grpcPorts[0], acked, "api-server-1");

			added.start().awaitHealthy(Pipeline.startupTimeout());
			awaitCaughtUp(added, 0, Instant.now());
			assertThat(value(added.metrics(), "relay_catchup_copied_batches_total", peer(0))).isPositive();
			ReplicaContents.assertHoldsEveryAckedSampleOnce(this.grpcPorts[1], acked, "api-server-2");
			assertThat(health(added)).contains("\"converged\":true");
			assertThat(health(full)).as("api-server-1 found itself among its peers").contains("\"self\":true");
			// Every service has run with peers and load: each of its meters exists.
			MetersDocument.assertDocuments("remote-receiver", receiver.metrics());
			MetersDocument.assertDocuments("forwarder", forwarder.metrics());
			MetersDocument.assertDocuments("api-server", full.metrics(), added.metrics());
		}
	}

	@Test
	void anApiServerAwayLongerThanTheHandoffHoldsAndThanABlocksRangeCatchesUpFromItsPeer() throws Exception {
		// Blocks of 2 s: the 10 s outage spans five of them (of sample time, which the load runs faster).
		List<String> shortBlocks = List.of("--relay.api-server.store.block-range=2s");
		ServiceProcess first = apiServer(0, shortBlocks);
		ServiceProcess away = apiServer(1, shortBlocks);
		// A hand-off of 256 KiB: the outage below writes megabytes.
		ServiceProcess forwarder = forwarder(List.of("--spring.cloud.discovery.client.simple.instances.api-server[1].uri="
				+ "http://127.0.0.1:" + this.relayPorts[1], "--relay.forwarder.handoff.segment-size=64KB",
				"--relay.forwarder.handoff.max-size=256KB", "--relay.forwarder.handoff.memory-size=64KB"));
		ServiceProcess receiver = receiver();
		try (first; away; forwarder; receiver) {
			startAll(first, away, forwarder, receiver);
			RemoteWriteLoad load = new RemoteWriteLoad(receiver.url("/api/v1/write"), 4, Duration.ofMillis(10));
			try {
				Thread.sleep(3000);
				away.stop();
				Thread.sleep(10_000);
				away.start().awaitHealthy(Pipeline.startupTimeout());
				Thread.sleep(3000);
			}
			finally {
				load.close();
			}
			Instant loadEnded = Instant.now();
			List<RemoteWriteLoad.Acked> acked = acked(load);
			String target = "target=\"127.0.0.1:" + this.relayPorts[1] + "\"";
			assertThat(value(forwarder.metrics(), "relay_forwarder_replica_missing_batches", target))
				.as("batches the hand-off could not keep for api-server-2").isPositive();

			awaitCaughtUp(away, 0, loadEnded);
			assertThat(value(first.metrics(), "relay_store_compactions_total", "kind=\"head\""))
				.as("blocks api-server-1 cut").isGreaterThan(5);
			ReplicaContents.assertHoldsEveryAckedSampleOnce(this.grpcPorts[0], acked, "api-server-1");
			ReplicaContents.assertHoldsEveryAckedSampleOnce(this.grpcPorts[1], acked, "api-server-2");
		}
	}

	/** An api-server whose peers are both api-servers (one list for both, as one Consul service is). */
	private ServiceProcess apiServer(int index) {
		return apiServer(index, List.of());
	}

	private ServiceProcess apiServer(int index, List<String> extraArgs) {
		List<String> args = new ArrayList<>(List.of("--relay.api-server.catch-up.interval=1s",
				"--relay.api-server.catch-up.settle=0s"));
		args.addAll(extraArgs);
		for (int i = 0; i < 2; i++) {
			args.add("--spring.cloud.discovery.client.simple.instances.prometheus-api-server[" + i
					+ "].uri=http://127.0.0.1:" + this.grpcPorts[i]);
		}
		return Pipeline.apiServer("api-server-" + (index + 1), "127.0.0.1", FreePorts.next(), this.workDir,
				this.workDir.resolve("api-server-" + (index + 1)), this.relayPorts[index], this.grpcPorts[index], args);
	}

	/** A forwarder to api-server-1, and to what {@code extraArgs} add. */
	private ServiceProcess forwarder(List<String> extraArgs) {
		List<String> args = new ArrayList<>(List.of("--relay.forwarder.relay.port=" + this.forwarderRelayPort,
				"--relay.forwarder.relay.host=127.0.0.1", "--relay.forwarder.handoff.dir=" + this.workDir.resolve("forwarder"),
				"--relay.forwarder.targets.refresh-interval=1s", "--relay.forwarder.targets.client.max-backoff=1s",
				"--spring.cloud.discovery.client.simple.instances.api-server[0].uri=http://127.0.0.1:" + this.relayPorts[0]));
		args.addAll(extraArgs);
		return new ServiceProcess("forwarder", ForwarderApplication.class, FreePorts.next(), this.workDir, args);
	}

	private ServiceProcess receiver() {
		return new ServiceProcess("remote-receiver", ReceiverApplication.class, FreePorts.next(), this.workDir,
				List.of("--spring.cloud.discovery.client.simple.instances.forwarder[0].uri=http://127.0.0.1:"
						+ this.forwarderRelayPort, "--relay.receiver.forwarders.client.max-backoff=1s"));
	}

	private static void startAll(ServiceProcess... services) {
		for (ServiceProcess service : services) {
			service.start();
		}
		for (ServiceProcess service : services) {
			service.awaitHealthy(Pipeline.startupTimeout());
		}
	}

	private static List<RemoteWriteLoad.Acked> acked(RemoteWriteLoad load) {
		assertThat(load.failures()).isEmpty();
		List<RemoteWriteLoad.Acked> acked = load.acked();
		assertThat(acked).hasSize((int) load.sent());
		assertThat(acked.size()).isGreaterThan(100);
		return acked;
	}

	/**
	 * Waits until {@code replica} has compared with api-server {@code peer} after {@code since} (a
	 * comparison that began earlier does not know what was stored since) and lacks nothing it holds.
	 */
	private void awaitCaughtUp(ServiceProcess replica, int peer, Instant since) throws Exception {
		try {
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
				String health = health(replica);
				Matcher compared = Pattern.compile("\"127\\.0\\.0\\.1:" + this.grpcPorts[peer]
						+ "\":\\{[^}]*\"lastCompared\":\"([^\"]+)\"").matcher(health);
				return compared.find() && !compared.group(1).equals("never")
						&& Instant.parse(compared.group(1)).isAfter(since)
						&& value(replica.metrics(), "relay_catchup_lacking_batches", peer(peer)) == 0
						&& health.contains("\"converged\":true");
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("it did not catch up; its health: " + health(replica) + "\n" + replica.tail(40), ex);
		}
	}

	private String peer(int index) {
		return "peer=\"127.0.0.1:" + this.grpcPorts[index] + "\"";
	}

	private static double value(String metrics, String name, String label) {
		return metrics.lines()
			.filter(line -> line.startsWith(name + "{") && line.contains(label))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.findFirst()
			.orElse(Double.NaN);
	}

	private static String health(ServiceProcess service) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(service.url("/actuator/health"))).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

}
