package io.prometheusrelay.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClient;
import io.prometheusrelay.transport.RelayClientOptions;
import io.prometheusrelay.harness.FreePorts;
import reactor.core.publisher.Flux;

/**
 * Catching up from a peer. Fills api-server-1 through its relay port with Prometheus-sized batches,
 * then starts api-server-2 empty with api-server-1 as its peer (the forwarder knows nothing of it)
 * and measures how long it takes, from its start, until it lacks nothing. The references, in the
 * same run: filling api-server-1 through the relay, as the forwarder writes (the same store path),
 * and copying its data directory with {@link Files#copy}, the least any copy of those bytes costs.
 * Then restarts api-server-1 on its full store and times its start. Prints Markdown tables; exits
 * non-zero if api-server-2 does not hold every batch and sample api-server-1 holds.
 * <p>
 * Usage: {@code java -cp tools/benchmarks/target/benchmarks-<version>-exec.jar
 * -Dloader.main=io.prometheusrelay.benchmarks.CatchUpBenchmark org.springframework.boot.loader.launch.PropertiesLauncher
 * [--size-mb=2048] [--series=100000] [--samples-per-request=2000] [--heap=512m] [--repo=.]}
 */
public final class CatchUpBenchmark {

	private CatchUpBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		long sizeBytes = Long.parseLong(options.get("size-mb", "2048")) << 20;
		int seriesCount = Integer.parseInt(options.get("series", "100000"));
		int samplesPerRequest = Integer.parseInt(options.get("samples-per-request", "2000"));
		String heap = options.get("heap", "512m");
		Path repo = Path.of(options.get("repo", ".")).toAbsolutePath().normalize();
		List<String> jvmArgs = List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseParallelGC");
		SeriesSet series = new SeriesSet(seriesCount);
		int batchBytes = new RequestBuilder(series).buildRaw(0, samplesPerRequest, 0, 0).length;
		int batches = (int) Math.max(1, sizeBytes / batchBytes);

		System.out.printf("# Catch-up benchmark, %s%n", Instant.now());
		System.out.printf("# %,d batches of %d samples (%,d bytes each, %.0f MiB), service heap %s, %d cores%n", batches,
				samplesPerRequest, batchBytes, (double) batches * batchBytes / 1048576, heap,
				Runtime.getRuntime().availableProcessors());
		Path workDir = Files.createTempDirectory("relay-catchup-bench-");
		boolean failed;
		try (SystemUnderTest sut = SystemUnderTest.apiServersOnly(jvmArgs)) {
			int[] relayPorts = { FreePorts.next(), FreePorts.next() };
			int[] grpcPorts = { FreePorts.next(), FreePorts.next() };
			List<String> peers = new ArrayList<>(List.of("--relay.api-server.catch-up.interval=1s",
					"--relay.api-server.catch-up.settle=0s"));
			for (int i = 0; i < 2; i++) {
				peers.add("--spring.cloud.discovery.client.simple.instances.prometheus-api-server[" + i
						+ "].uri=http://127.0.0.1:" + grpcPorts[i]);
			}
			long started = System.nanoTime();
			sut.startApiServer("api-server-1", repo, workDir, relayPorts[0], grpcPorts[0], peers);
			double emptyStart = seconds(started);
			long filling = System.nanoTime();
			fill(series, samplesPerRequest, batches, relayPorts[0]);
			double fillSeconds = seconds(filling);
			Path source = workDir.resolve("api-server-1");
			long storedBytes = directoryBytes(source);

			long copying = System.nanoTime();
			copyFiles(source, workDir.resolve("plain-copy"));
			double copySeconds = seconds(copying);
			RemoteWriteBenchmark.deleteRecursively(workDir.resolve("plain-copy"));

			long catchingUp = System.nanoTime();
			sut.startApiServer("api-server-2", repo, workDir, relayPorts[1], grpcPorts[1], peers);
			double healthy = seconds(catchingUp);
			String peer = "peer=\"127.0.0.1:" + grpcPorts[0] + "\"";
			double converged = -1;
			while (System.nanoTime() - catchingUp < Duration.ofMinutes(10).toNanos()) {
				String metrics = sut.metrics("api-server-2");
				if (value(metrics, "relay_catchup_copied_batches_total", peer) >= batches
						&& value(metrics, "relay_catchup_lacking_batches", peer) == 0) {
					converged = seconds(catchingUp);
					break;
				}
				Thread.sleep(100);
			}
			long copiedBatches = HandoffBenchmark.batchesHeld(sut.metrics("api-server-2"));
			long heldBatches = HandoffBenchmark.batchesHeld(sut.metrics("api-server-1"));

			sut.stop("api-server-1");
			long restarting = System.nanoTime();
			sut.restart("api-server-1");
			double fullStart = seconds(restarting);

			double mib = storedBytes / 1048576.0;
			System.out.println();
			System.out.println("| stored MiB | relay fill s (MiB/s) | Files.copy s (MiB/s) | catch-up: start to healthy s "
					+ "| healthy to converged s (MiB/s) | ratio to the relay fill | ratio to Files.copy | batches copied / held |");
			System.out.println("|---|---|---|---|---|---|---|---|");
			double catchUpSeconds = converged - healthy;
			System.out.printf("| %.0f | %.1f (%.0f) | %.2f (%.0f) | %.1f | %s | %s | %s | %,d / %,d |%n", mib, fillSeconds,
					mib / fillSeconds, copySeconds, mib / copySeconds, healthy,
					(converged > 0) ? String.format("%.1f (%.0f)", catchUpSeconds, mib / catchUpSeconds) : "not within 10 min",
					(converged > 0) ? String.format("%.2f×", catchUpSeconds / fillSeconds) : "-",
					(converged > 0) ? String.format("%.0f×", catchUpSeconds / copySeconds) : "-", copiedBatches, heldBatches);
			System.out.println();
			System.out.println("| start, empty store s | start, full store s |");
			System.out.println("|---|---|");
			System.out.printf("| %.1f | %.1f |%n", emptyStart, fullStart);
			failed = converged < 0 || copiedBatches != heldBatches;
		}
		finally {
			RemoteWriteBenchmark.deleteRecursively(workDir);
		}
		if (failed) {
			System.out.println();
			System.out.println("NOT CAUGHT UP: api-server-2 does not hold what api-server-1 holds");
			System.exit(1);
		}
	}

	/** Stores {@code batches} distinct batches through the relay, as the forwarder would, 16 in flight. */
	private static void fill(SeriesSet series, int samplesPerRequest, int batches, int relayPort) {
		RelayClientOptions options = new RelayClientOptions(1 << 20, 16, Duration.ofSeconds(60), Duration.ofSeconds(2),
				Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500));
		try (RelayClient client = new RelayClient("api-server-1", "127.0.0.1", relayPort, options,
				new SimpleMeterRegistry()).start()) {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!client.isConnected() && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			// Samples of the last hour, as a live Prometheus sends: within the peer's retention horizon.
			long first = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
			RequestBuilder builder = new RequestBuilder(series);
			List<BatchOutcome> outcomes = Flux.range(0, batches)
				.concatMap(i -> client.send(builder.buildRaw(i * samplesPerRequest, samplesPerRequest, first + i, i)), 16)
				.collectList()
				.block(Duration.ofMinutes(30));
			if (outcomes == null || !outcomes.stream().allMatch(BatchOutcome::acked)) {
				throw new IllegalStateException("filling api-server-1 failed");
			}
		}
	}

	/** Copies every file of a data directory, as a backup would (the lock file excepted). */
	private static void copyFiles(Path from, Path to) throws IOException {
		try (Stream<Path> files = Files.walk(from)) {
			for (Path file : files.toList()) {
				Path target = to.resolve(from.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(target);
				}
				else if (Files.isRegularFile(file) && !file.getFileName().toString().equals(".lock")) {
					Files.copy(file, target);
				}
			}
		}
	}

	private static long directoryBytes(Path dataDir) throws IOException {
		try (Stream<Path> files = Files.walk(dataDir)) {
			return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
		}
	}

	private static double value(String metrics, String name, String label) {
		return metrics.lines()
			.filter(line -> line.startsWith(name + "{") && line.contains(label))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.findFirst()
			.orElse(Double.NaN);
	}

	private static double seconds(long since) {
		return (System.nanoTime() - since) / 1e9;
	}

}
