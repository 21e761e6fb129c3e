package io.prometheusrelay.it;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.prometheusrelay.apiserver.store.SegmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under steady remote-write: kill -9 an api-server (leaving a torn record behind) and restart it,
 * then stop and restart the forwarder. No acknowledged sample may be missing from an api-server
 * that was in the required set when it was acknowledged, and the sender's retries after 503s
 * deliver everything else.
 */
class NoLossAcrossRestartsTests {

	@TempDir
	Path workDir;

	@Test
	void noAcknowledgedSampleIsLostWhenAnApiServerIsKilledAndTheForwarderRestarts() throws Exception {
		try (Pipeline pipeline = new Pipeline(this.workDir).start()) {
			ServiceProcess survivor = pipeline.apiServers.get(0);
			ServiceProcess victim = pipeline.apiServers.get(1);
			Path victimData = pipeline.dataDirs.get(1);
			RemoteWriteLoad load = new RemoteWriteLoad(pipeline.writeUrl(), 4, Duration.ofMillis(20));
			long killedAt;
			long rejoinedAt;
			try {
				Thread.sleep(3000);

				killedAt = System.nanoTime();
				victim.kill();
				tearTheNewestSegment(victimData);
				Thread.sleep(2000);
				victim.start().awaitHealthy(Pipeline.startupTimeout());
				awaitConnectedTargets(pipeline.forwarder, 2);
				rejoinedAt = System.nanoTime();
				assertThat(metric(victim, "relay_store_recovery_truncations_total")).isEqualTo(1);
				Thread.sleep(3000);

				pipeline.forwarder.stop();
				Thread.sleep(2000);
				pipeline.forwarder.start().awaitHealthy(Pipeline.startupTimeout());
				awaitConnectedTargets(pipeline.forwarder, 2);
				Thread.sleep(3000);
			}
			finally {
				load.close();
			}

			assertThat(load.failures()).isEmpty();
			List<RemoteWriteLoad.Acked> acked = load.acked();
			assertThat(acked).hasSize((int) load.sent());
			assertThat(acked.size()).isGreaterThan(100);
			assertThat(load.retries()).as("requests retried while the forwarder was down").isPositive();

			Set<String> onSurvivor = StoredSeries.samplesIn(pipeline.dataDirs.get(0));
			Set<String> onVictim = StoredSeries.samplesIn(victimData);
			List<Long> missingOnSurvivor = new ArrayList<>();
			List<Long> missingOnVictim = new ArrayList<>();
			int checkedOnVictim = 0;
			for (RemoteWriteLoad.Acked request : acked) {
				List<String> samples = RemoteWriteLoad.samples(request.sequence());
				if (!onSurvivor.containsAll(samples)) {
					missingOnSurvivor.add(request.sequence());
				}
				boolean victimRequired = request.ackedNanos() < killedAt || request.firstSentNanos() > rejoinedAt;
				if (victimRequired) {
					checkedOnVictim++;
					if (!onVictim.containsAll(samples)) {
						missingOnVictim.add(request.sequence());
					}
				}
			}
			assertThat(missingOnSurvivor).as("acknowledged requests missing on the api-server that stayed up").isEmpty();
			assertThat(missingOnVictim).as("acknowledged requests missing on the killed api-server").isEmpty();
			assertThat(checkedOnVictim).isGreaterThan(50);
		}
	}

	/** What a crash mid-append leaves: a record header promising more bytes than reached the disk. */
	private static void tearTheNewestSegment(Path dataDir) throws Exception {
		List<Path> segments = SegmentFiles.list(dataDir);
		try (FileChannel channel = FileChannel.open(segments.get(segments.size() - 1), StandardOpenOption.WRITE,
				StandardOpenOption.APPEND)) {
			channel.write(ByteBuffer.wrap(new byte[] { 0, 0, 4, 0, 1, 2, 3, 4, 10, 20, 30 }));
		}
	}

	private static void awaitConnectedTargets(ServiceProcess forwarder, int targets) {
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> metric(forwarder, "relay_forwarder_targets{application=\"forwarder\",state=\"connected\"}") == targets);
	}

	static double metric(ServiceProcess service, String series) throws Exception {
		for (String line : service.metrics().split("\n")) {
			if (line.startsWith(series + " ") || (line.startsWith(series + "{") && !series.contains("{"))) {
				return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return Double.NaN;
	}

}
