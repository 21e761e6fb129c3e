package io.prometheusrelay.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Convergence after an api-server outage. Runs the pipeline under a paced remote-write load, stops
 * api-server-2 (SIGTERM) for the outage, starts it again, and measures how long the forwarder's
 * hand-off takes to bring it level with api-server-1 while the load goes on, how much the hand-off
 * held meanwhile, and whether any request failed. Afterwards both data directories must hold the
 * same number of records. Prints a Markdown table.
 * <p>
 * Usage: {@code java -cp tools/benchmarks/target/benchmarks-<version>-exec.jar
 * -Dloader.main=io.prometheusrelay.benchmarks.HandoffBenchmark org.springframework.boot.loader.launch.PropertiesLauncher
 * [--rate=200000] [--series=100000] [--samples-per-request=2000] [--concurrency=8] [--warmup=15s]
 * [--outage=60s] [--heap=256m] [--repo=.]}
 */
public final class HandoffBenchmark {

	private static final String FORWARDER = "forwarder";

	private static final String VICTIM = "api-server-2";

	private HandoffBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		double rate = Double.parseDouble(options.get("rate", "200000"));
		int seriesCount = Integer.parseInt(options.get("series", "100000"));
		int samplesPerRequest = Integer.parseInt(options.get("samples-per-request", "2000"));
		int concurrency = Integer.parseInt(options.get("concurrency", "8"));
		Duration warmup = options.duration("warmup", "15s");
		Duration outage = options.duration("outage", "60s");
		String heap = options.get("heap", "256m");
		Path repo = Path.of(options.get("repo", ".")).toAbsolutePath().normalize();
		List<String> jvmArgs = List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseParallelGC");

		System.out.printf("# Hand-off benchmark, %s%n", Instant.now());
		System.out.printf("# %d series, %d samples per request, paced to %,.0f samples/s from %d threads, warm-up %ds, "
				+ "outage %ds (SIGTERM), service heap %s, %d cores%n", seriesCount, samplesPerRequest, rate, concurrency,
				warmup.toSeconds(), outage.toSeconds(), heap, Runtime.getRuntime().availableProcessors());
		Path workDir = Files.createTempDirectory("relay-handoff-bench-");
		boolean failed;
		try (SystemUnderTest sut = SystemUnderTest.pipeline(repo, workDir, jvmArgs)) {
			LoadGenerator generator = new LoadGenerator(new SeriesSet(seriesCount), samplesPerRequest, concurrency, rate);
			Duration total = warmup.plus(outage).plus(Duration.ofMinutes(5));
			CompletableFuture<LoadGenerator.Result> load = CompletableFuture.supplyAsync(() -> {
				try {
					return generator.run(sut.writeUrl(), Duration.ZERO, total);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			});
			Thread.sleep(warmup.toMillis());

			long stopped = System.nanoTime();
			sut.stop(VICTIM);
			Peak peak = new Peak();
			while (System.nanoTime() - stopped < outage.toNanos()) {
				peak.observe(sut.metrics(FORWARDER));
				Thread.sleep(1000);
			}
			long restarting = System.nanoTime();
			sut.restart(VICTIM);
			long healthy = System.nanoTime();
			long converged = -1;
			while (System.nanoTime() - healthy < Duration.ofMinutes(5).toNanos()) {
				String metrics = sut.metrics(FORWARDER);
				peak.observe(metrics);
				if (lagBatches(metrics) == 0) {
					converged = System.nanoTime();
					break;
				}
				Thread.sleep(200);
			}
			generator.stop();
			LoadGenerator.Result result = load.get();
			Thread.sleep(3000);
			long records1 = batchesHeld(sut.metrics("api-server-1"));
			long records2 = batchesHeld(sut.metrics(VICTIM));

			System.out.println();
			System.out.println("| load samples/s (achieved) | non-2xx | outage s | restart to healthy s | healthy to converged s "
					+ "| hand-off peak MiB | peak lag batches | peak lag MiB | batches held api-server-1 / api-server-2 |");
			System.out.println("|---|---|---|---|---|---|---|---|---|");
			System.out.printf("| %,.0f | %d | %.0f | %.1f | %s | %.1f | %,d | %.1f | %,d / %,d |%n",
					result.acceptedSamples() / (result.elapsed().toNanos() / 1e9), result.errors(),
					(restarting - stopped) / 1e9, (healthy - restarting) / 1e9,
					(converged < 0) ? "not within 5 min" : String.format("%.1f", (converged - healthy) / 1e9),
					peak.handoffBytes / 1048576.0, peak.lagBatches, peak.lagBytes / 1048576.0, records1, records2);
			if (!result.errorSample().isEmpty()) {
				System.out.println("<!-- first non-2xx: " + result.errorSample().replace("--", "-") + " -->");
			}
			failed = converged < 0 || records1 != records2 || result.errors() > 0;
		}
		finally {
			// The processes are stopped by now (try-with-resources); only then is it safe to exit.
			RemoteWriteBenchmark.deleteRecursively(workDir);
		}
		if (failed) {
			System.out.println();
			System.out.println("NOT CONVERGED: the replicas differ, or a request failed");
			System.exit(1);
		}
	}

	/** The largest lag of any replica, as the forwarder reports it. */
	private static double lagBatches(String metrics) {
		double worst = 0;
		for (String line : metrics.split("\n")) {
			if (line.startsWith("relay_forwarder_replica_lag_batches{")) {
				worst = Math.max(worst, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
			}
		}
		return worst;
	}

	/** Batches an api-server holds, by its own count (its store's batch identities). */
	static long batchesHeld(String metrics) {
		return metrics.lines()
			.filter(line -> line.startsWith("relay_store_indexed_batches "))
			.mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.findFirst()
			.orElse(-1);
	}

	/** The largest hand-off and lag seen. */
	private static final class Peak {

		double handoffBytes;

		long lagBatches;

		double lagBytes;

		void observe(String metrics) {
			for (String line : metrics.split("\n")) {
				double value = line.startsWith("#") || line.isBlank() ? 0
						: Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
				if (line.startsWith("relay_forwarder_handoff_size_bytes")) {
					this.handoffBytes = Math.max(this.handoffBytes, value);
				}
				else if (line.startsWith("relay_forwarder_replica_lag_batches{")) {
					this.lagBatches = Math.max(this.lagBatches, (long) value);
				}
				else if (line.startsWith("relay_forwarder_replica_lag_bytes{")) {
					this.lagBytes = Math.max(this.lagBytes, value);
				}
			}
		}

	}

}
