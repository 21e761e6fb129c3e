package io.prometheusrelay.it;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGKILL in the middle of the store's own work, per replica: while a block is being written (cut
 * from the head or merged), while merged blocks are being deleted, while the head is being
 * checkpointed, and while the write-ahead log is being truncated after a checkpoint. The test
 * watches each api-server's data directory and kills it the moment that work shows there, after a
 * random few milliseconds more. Blocks of 2 s and a checkpoint every second make all of it happen
 * every second under the load. Each replica, read on its own once both have caught up, must hold
 * every acknowledged sample exactly once, and no block may have been left corrupt.
 */
class KilledMidCompactionTests {

	private static final Duration CONVERGENCE = Duration.ofSeconds(90);

	/** What the store's work leaves in its directories while it is under way. */
	private enum Moment {

		WRITING_A_BLOCK("", StandardWatchEventKinds.ENTRY_CREATE, name -> name.endsWith(".tmp-for-creation")),

		DELETING_MERGED_BLOCKS("", StandardWatchEventKinds.ENTRY_CREATE, name -> name.endsWith(".tmp-for-deletion")),

		CHECKPOINTING("wal-relay", StandardWatchEventKinds.ENTRY_CREATE,
				name -> name.startsWith("checkpoint.") && name.endsWith(".tmp")),

		TRUNCATING_THE_LOG("wal-relay", StandardWatchEventKinds.ENTRY_DELETE, name -> name.endsWith(".wal"));

		final String directory;

		final WatchEvent.Kind<Path> kind;

		final Predicate<String> shows;

		Moment(String directory, WatchEvent.Kind<Path> kind, Predicate<String> shows) {
			this.directory = directory;
			this.kind = kind;
			this.shows = shows;
		}

	}

	@TempDir
	Path workDir;

	@Test
	void killedWhileWritingMergingDeletingCheckpointingOrTruncatingEachReplicaKeepsEveryAckedSampleOnce()
			throws Exception {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		Map<String, List<String>> shortBlocks = Map.of("api-server", List.of("--relay.api-server.store.block-range=2s",
				"--relay.api-server.store.max-block-duration=54s", "--relay.api-server.store.checkpoint-interval=1s",
				"--relay.api-server.store.wal-segment-size=64KB"));
		try (Pipeline pipeline = new Pipeline(this.workDir, shortBlocks).start()) {
			RemoteWriteLoad load = new RemoteWriteLoad(pipeline.writeUrl(), 4, Duration.ofMillis(5));
			try {
				int round = 0;
				for (Moment moment : Moment.values()) {
					for (int replica = 0; replica < 2; replica++, round++) {
						ServiceProcess apiServer = pipeline.apiServers.get(replica);
						killWhen(apiServer, pipeline.dataDirs.get(replica), moment, random.nextInt(20), seed);
						apiServer.start().awaitHealthy(Pipeline.startupTimeout());
					}
				}
				assertThat(round).isEqualTo(8);
				Thread.sleep(2000);
			}
			finally {
				load.close();
			}

			assertThat(load.failures()).isEmpty();
			List<RemoteWriteLoad.Acked> acked = load.acked();
			assertThat(acked).hasSize((int) load.sent());
			awaitReplicasCaughtUp(pipeline);
			for (int i = 0; i < 2; i++) {
				ServiceProcess apiServer = pipeline.apiServers.get(i);
				ReplicaContents.assertHoldsEveryAckedSampleOnce(pipeline.grpcPorts.get(i), acked, "api-server-" + (i + 1));
				assertThat(NoLossAcrossRestartsTests.metric(apiServer, "relay_store_corrupt_blocks_total"))
					.as("blocks found corrupt on api-server-%d (seed %d)", i + 1, seed).isZero();
			}
			// Stopped gracefully, so that no work is under way: whatever a kill left half done, the start
			// after it deleted.
			for (int i = 0; i < 2; i++) {
				pipeline.apiServers.get(i).stop();
				assertNoHalfDoneWorkLeft(pipeline.dataDirs.get(i));
			}
		}
	}

	/**
	 * Waits (at most a minute) for {@code moment} to show in the api-server's data directory, waits
	 * {@code delayMillis} more, and kills it with SIGKILL.
	 */
	private static void killWhen(ServiceProcess apiServer, Path dataDir, Moment moment, int delayMillis, long seed)
			throws Exception {
		Path watched = moment.directory.isEmpty() ? dataDir : dataDir.resolve(moment.directory);
		try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
			watched.register(watcher, moment.kind);
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
			while (System.nanoTime() < deadline) {
				WatchKey key = watcher.poll(1, TimeUnit.SECONDS);
				if (key == null) {
					continue;
				}
				boolean seen = key.pollEvents()
					.stream()
					.anyMatch(event -> event.kind() == moment.kind && moment.shows.test(event.context().toString()));
				key.reset();
				if (seen) {
					Thread.sleep(delayMillis);
					apiServer.kill();
					return;
				}
			}
		}
		throw new AssertionError(moment + " never showed in " + watched + " within a minute (seed " + seed + ")\n"
				+ apiServer.tail(30));
	}

	/** Nothing half done: no half-written or half-deleted block, no temporary checkpoint, no block set aside as corrupt. */
	private static void assertNoHalfDoneWorkLeft(Path dataDir) throws IOException {
		try (Stream<Path> entries = Files.list(dataDir)) {
			assertThat(entries.map(entry -> entry.getFileName().toString()))
				.noneMatch(name -> name.contains(".tmp-for-") || name.endsWith(".corrupt"));
		}
		try (Stream<Path> entries = Files.list(dataDir.resolve("wal-relay"))) {
			assertThat(entries.map(entry -> entry.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
		}
	}

	/** The forwarder's word that each replica has every batch its hand-off holds. */
	private static void awaitReplicasCaughtUp(Pipeline pipeline) {
		await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
			String metrics = pipeline.forwarder.metrics();
			return pipeline.relayPorts.stream()
				.map(port -> "target=\"127.0.0.1:" + port + "\"")
				.allMatch(target -> metrics.lines()
					.anyMatch(line -> line.startsWith("relay_forwarder_replica_lag_batches{") && line.contains(target)
							&& line.endsWith(" 0.0")));
		});
	}

}
