package io.prometheusrelay.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;

/**
 * Bytes per sample at rest, against Prometheus v3.5 fed the same samples in the same run. Each
 * workload ({@link StorageWorkload}) is written into this project's storage engine, in this JVM,
 * through its API, and into Prometheus v3.5's own remote-write receiver (2.0, as it ingests fastest),
 * the same samples in the same order; both cut and merge their blocks as they go. Once Prometheus's
 * blocks hold as many samples as ours, it compares the blocks (Prometheus's files: index, chunks,
 * meta.json, tombstones), ours with the files of our own beside them, and each store's total with
 * its write-ahead log. Also reports, for the engine: its writer thread's CPU per sample, its
 * maintenance thread's CPU (cutting, merging, checkpointing) per million samples cut into blocks, and
 * its heap per head series. Prints a Markdown table.
 * <p>
 * Usage: {@code java -Xmx4g -cp tools/benchmarks/target/benchmarks-<version>-exec.jar
 * -Dloader.main=io.prometheusrelay.benchmarks.StorageBenchmark org.springframework.boot.loader.launch.PropertiesLauncher
 * [--workloads=wide,long,realistic] [--seed=1] [--prometheus=true]}
 */
public final class StorageBenchmark {

	private static final long SIX_HOURS = Duration.ofHours(6).toMillis();

	private StorageBenchmark() {
	}

	/** One store's numbers for one workload. */
	record Result(StoreFiles files, double writerCpuPerSample, double maintenanceCpuPerMillion, double heapPerSeries,
			int headSeries, double seconds) {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		long seed = Long.parseLong(options.get("seed", "1"));
		boolean prometheus = Boolean.parseBoolean(options.get("prometheus", "true"));
		List<StorageWorkload> workloads = new ArrayList<>();
		for (String name : options.get("workloads", "wide,long,realistic").split(",")) {
			workloads.add(StorageWorkload.of(name));
		}
		System.out.printf("# Storage benchmark, %s: %d cores, heap %d MiB, seed %d%n", Instant.now(),
				Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, seed);
		System.out.println();
		System.out.println("| Workload | Store | samples in blocks | blocks (from start) | B/sample, blocks | vs Prometheus"
				+ " | B/sample, with our files | WAL and head, MiB | B/sample, all | writer CPU µs/sample"
				+ " | maintenance CPU s per 1M samples | heap B/head series |");
		System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
		for (StorageWorkload workload : workloads) {
			Path workDir = Files.createTempDirectory("relay-storage-bench-" + workload.name().toLowerCase() + "-");
			long start = Math.floorDiv(System.currentTimeMillis() - workload.span().toMillis() - SIX_HOURS, SIX_HOURS)
					* SIX_HOURS;
			Result ours = engine(workload, start, seed, workDir.resolve("relay"), true);
			Result unmerged = engine(workload, start, seed, workDir.resolve("relay-unmerged"), false);
			Result theirs = prometheus ? PrometheusStorage.fill(workload, start, seed, workDir.resolve("prometheus"),
					ours.files().blockSamples()) : null;
			print(workload, start, "relay (tsdb engine)", ours, theirs);
			print(workload, start, "relay, blocks not merged (max-block-duration=2h)", unmerged, theirs);
			if (theirs != null) {
				print(workload, start, "Prometheus v3.5", theirs, theirs);
			}
			RemoteWriteBenchmark.deleteRecursively(workDir);
		}
	}

	/**
	 * Writes the workload through the engine's API, as the api-server's writer receives it, and
	 * measures; with {@code merge} false, blocks stay as cut (2 h), as Prometheus leaves its newest.
	 */
	static Result engine(StorageWorkload workload, long start, long seed, Path dataDir, boolean merge)
			throws Exception {
		System.gc();
		long heapBefore = usedHeap();
		long began = System.nanoTime();
		TsdbOptions options = TsdbOptions.defaults(dataDir);
		if (!merge) {
			options = options.withMaxBlockDuration(options.blockRange());
		}
		try (Tsdb tsdb = Tsdb.open(options, Clock.systemUTC())) {
			EngineFeeder feeder = new EngineFeeder(tsdb);
			SampleGenerator generator = new SampleGenerator(workload, start, seed);
			while (!generator.done()) {
				feeder.append(generator.nextStep(2000));
			}
			feeder.awaitAll();
			tsdb.compactNow();
			double seconds = (System.nanoTime() - began) / 1e9;
			System.gc();
			double heapPerSeries = (double) (usedHeap() - heapBefore) / tsdb.headSeries();
			StoreFiles files = StoreFiles.of(dataDir);
			double writerCpu = EngineFeeder.threadCpuSeconds("tsdb-writer") / workload.samples() * 1e6;
			double maintenanceCpu = EngineFeeder.threadCpuSeconds("tsdb-maintenance")
					/ tsdb.metrics().samplesCompacted.sum() * 1e6;
			return new Result(files, writerCpu, maintenanceCpu, heapPerSeries, tsdb.headSeries(), seconds);
		}
	}

	static long usedHeap() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	private static void print(StorageWorkload workload, long start, String store, Result result, Result reference) {
		StoreFiles files = result.files();
		long samples = files.blockSamples();
		double perSample = (double) files.blockBytes() / samples;
		double referencePerSample = (reference != null)
				? (double) reference.files().blockBytes() / reference.files().blockSamples() : Double.NaN;
		System.out.printf("| %s: %,d series × %,d samples | %s | %,d | %s | %.3f | %.3f× | %.3f | %.1f | %.3f | %s | %s | %s |%n",
				workload.name().toLowerCase(), workload.series(), workload.samplesPerSeries(), store, samples,
				files.layout(start), perSample, perSample / referencePerSample,
				(double) (files.blockBytes() + files.extraBlockBytes()) / samples, files.otherBytes() / 1048576.0,
				(double) (files.blockBytes() + files.extraBlockBytes() + files.otherBytes()) / workload.samples(),
				Double.isNaN(result.writerCpuPerSample()) ? "-" : String.format("%.3f", result.writerCpuPerSample()),
				Double.isNaN(result.maintenanceCpuPerMillion()) ? "-"
						: String.format("%.2f", result.maintenanceCpuPerMillion()),
				Double.isNaN(result.heapPerSeries()) ? "-"
						: String.format("%,.0f (%,d series)", result.heapPerSeries(), result.headSeries()));
	}

}
