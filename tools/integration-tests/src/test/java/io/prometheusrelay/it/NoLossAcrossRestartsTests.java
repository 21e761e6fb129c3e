package io.prometheusrelay.it;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per replica, not per union: under steady remote-write from a sender that retries as Prometheus
 * does, every hop is killed with SIGKILL and stopped with SIGTERM in turn and restarted, and the two
 * api-servers are restarted one after the other. Once the forwarder reports both replicas caught up,
 * a RANGE read from each api-server on its own must return every acknowledged sample exactly once.
 */
class NoLossAcrossRestartsTests {

	private static final Duration DOWN = Duration.ofSeconds(2);

	private static final Duration CONVERGENCE = Duration.ofSeconds(60);

	@TempDir
	Path workDir;

	@Test
	void everyAcknowledgedSampleReachesEachApiServerExactlyOnceThroughKillsStopsAndARollingRestart() throws Exception {
		try (Pipeline pipeline = new Pipeline(this.workDir).start()) {
			ServiceProcess apiServer1 = pipeline.apiServers.get(0);
			ServiceProcess apiServer2 = pipeline.apiServers.get(1);
			RemoteWriteLoad load = new RemoteWriteLoad(pipeline.writeUrl(), 4, Duration.ofMillis(20));
			try {
				Thread.sleep(2000);
				apiServer2.kill();
				tearTheNewestLogSegment(pipeline.dataDirs.get(1));
				restartAfterDowntime(apiServer2);
				assertThat(metric(apiServer2, "relay_store_wal_truncations_total")).isEqualTo(1);

				pipeline.forwarder.stop();
				restartAfterDowntime(pipeline.forwarder);
				pipeline.forwarder.kill();
				restartAfterDowntime(pipeline.forwarder);

				pipeline.receiver.kill();
				restartAfterDowntime(pipeline.receiver);
				pipeline.receiver.stop();
				restartAfterDowntime(pipeline.receiver);

				// A rolling restart, as a StatefulSet upgrade does it: one replica, then the other.
				apiServer1.stop();
				restartAfterDowntime(apiServer1);
				apiServer2.stop();
				restartAfterDowntime(apiServer2);

				apiServer1.kill();
				restartAfterDowntime(apiServer1);
			}
			finally {
				load.close();
			}

			assertThat(load.failures()).isEmpty();
			List<RemoteWriteLoad.Acked> acked = load.acked();
			assertThat(acked).hasSize((int) load.sent());
			assertThat(acked.size()).isGreaterThan(300);
			assertThat(load.retries()).as("requests retried while a hop was down").isPositive();

			awaitReplicasCaughtUp(pipeline);
			for (int i = 0; i < 2; i++) {
				ReplicaContents.assertHoldsEveryAckedSampleOnce(pipeline.grpcPorts.get(i), acked, "api-server-" + (i + 1));
			}
		}
	}

	private static void restartAfterDowntime(ServiceProcess service) throws InterruptedException {
		Thread.sleep(DOWN.toMillis());
		service.start().awaitHealthy(Pipeline.startupTimeout());
		Thread.sleep(DOWN.toMillis());
	}

	/** The forwarder's word that each replica has every batch its hand-off holds. */
	private static void awaitReplicasCaughtUp(Pipeline pipeline) throws Exception {
		await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
			String metrics = pipeline.forwarder.metrics();
			for (int relayPort : pipeline.relayPorts) {
				String target = "target=\"127.0.0.1:" + relayPort + "\"";
				if (!metrics.lines().anyMatch(line -> line.startsWith("relay_forwarder_replica_lag_batches{")
						&& line.contains(target) && line.endsWith(" 0.0"))) {
					return false;
				}
			}
			return true;
		});
		assertThat(metricsOf(pipeline.forwarder, "relay_forwarder_replica_missing_batches"))
			.as("batches some replica will never get").allMatch(value -> value == 0);
	}

	/**
	 * What a crash mid-append leaves at the end of the write-ahead log: a record header promising more
	 * bytes than reached the disk.
	 */
	private static void tearTheNewestLogSegment(Path dataDir) throws Exception {
		Path newest;
		try (Stream<Path> segments = Files.list(dataDir.resolve("wal-relay"))) {
			newest = segments.filter(file -> file.getFileName().toString().endsWith(".wal")).max(Path::compareTo).orElseThrow();
		}
		try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
			channel.write(ByteBuffer.wrap(new byte[] { 0, 0, 4, 0, 1, 2, 3, 4, 10, 20, 30 }));
		}
	}

	static double metric(ServiceProcess service, String series) throws Exception {
		for (String line : service.metrics().split("\n")) {
			if (line.startsWith(series + " ") || (line.startsWith(series + "{") && !series.contains("{"))) {
				return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return Double.NaN;
	}

	private static List<Double> metricsOf(ServiceProcess service, String name) throws Exception {
		return service.metrics()
			.lines()
			.filter(line -> line.startsWith(name + "{"))
			.map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.toList();
	}

}
