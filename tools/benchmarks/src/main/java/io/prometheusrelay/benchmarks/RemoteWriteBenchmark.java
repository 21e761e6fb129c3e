package io.prometheusrelay.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.prometheusrelay.harness.TestPki;

/**
 * Remote-write throughput benchmark. For each concurrency, runs the same load generator against
 * Prometheus's own receiver (the reference), the whole pipeline (receiver -> forwarder -> two
 * api-servers, durable before ACK) and the receiver alone (with a forwarder that ACKs at once),
 * each started fresh, and prints a Markdown table.
 * <p>
 * Usage: {@code java -jar tools/benchmarks/target/benchmarks-<version>-exec.jar [--series=100000]
 * [--samples-per-request=2000] [--concurrency=4,16] [--warmup=10s] [--duration=30s]
 * [--systems=reference,pipeline,receiver] [--heap=256m] [--service-jvm-args="-XX:+UseParallelGC"] [--repo=.]
 * [--baseline-repo=path] [--versions=1.0,2.0] [--kind=samples|histograms]}; the system {@code prometheus3} is
 * Prometheus v3.5.0's receiver (built by {@code scripts/build-go-peers.sh prometheus}), which takes
 * both versions and native histograms; {@code reference} (Debian's 2.42) takes only 1.0 and is left
 * out of 2.0 runs. Ratios are against the first system listed, in the same run, version and
 * concurrency. The system {@code relay} is the pipeline with two api-servers (in this JVM) that ACK
 * at once: what the receiver and the forwarder can take when storage costs nothing. The systems
 * {@code pipeline-tls} and {@code receiver-tls} are the same
 * with mutual TLS on every hop; in service JVM arguments, {@code {name}} becomes the process's name (for
 * per-process profiling files). The system {@code baseline} is the pipeline built from another
 * checkout ({@code --baseline-repo}, e.g. the commit before a change), so a change's cost is a ratio
 * taken in the same run.
 */
public final class RemoteWriteBenchmark {

	private RemoteWriteBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = Options.parse(args).asMap();
		int seriesCount = Integer.parseInt(options.getOrDefault("series", "100000"));
		int samplesPerRequest = Integer.parseInt(options.getOrDefault("samples-per-request", "2000"));
		List<Integer> concurrencies = new ArrayList<>();
		for (String c : options.getOrDefault("concurrency", "4,16").split(",")) {
			concurrencies.add(Integer.parseInt(c.trim()));
		}
		Duration warmup = Duration.parse("PT" + options.getOrDefault("warmup", "10s"));
		Duration duration = Duration.parse("PT" + options.getOrDefault("duration", "30s"));
		List<String> systems = List.of(options.getOrDefault("systems", "reference,pipeline,receiver").split(","));
		List<RemoteWriteFormat> formats = new ArrayList<>();
		for (String version : options.getOrDefault("versions", "1.0").split(",")) {
			formats.add(RemoteWriteFormat.of(version));
		}
		String kind = options.getOrDefault("kind", "samples");
		if (!kind.equals("samples") && !kind.equals("histograms")) {
			throw new IllegalArgumentException("--kind is samples or histograms, got '" + kind + "'");
		}
		boolean histograms = kind.equals("histograms");
		String heap = options.getOrDefault("heap", "256m");
		List<String> jvmArgs = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap));
		// The collector the suite's scripts run the services with: batches are arrays of ~0.5 MB, which
		// G1 with a small heap allocates as humongous objects (measured: most of the services' GC work).
		String extra = options.getOrDefault("service-jvm-args", "-XX:+UseParallelGC");
		if (!extra.isBlank()) {
			jvmArgs.addAll(List.of(extra.trim().split("\\s+")));
		}
		Path repo = Path.of(options.getOrDefault("repo", ".")).toAbsolutePath().normalize();
		Path baselineRepo = Path.of(options.getOrDefault("baseline-repo", ".")).toAbsolutePath().normalize();

		SeriesSet series = new SeriesSet(seriesCount);
		System.out.printf("# Remote-write benchmark, %s%n", Instant.now());
		System.out.printf("# %d series of 10 labels (%.0f bytes per TimeSeries), %d %s per request, warm-up %ds, "
				+ "measured %ds, service heap %s, %d cores%n", seriesCount, series.meanSeriesBytes(), samplesPerRequest,
				histograms ? "native histograms (" + RequestBuilder.HISTOGRAM_BUCKETS + " buckets)" : "samples",
				warmup.toSeconds(), duration.toSeconds(), heap, Runtime.getRuntime().availableProcessors());
		System.out.println();
		String unit = histograms ? "histogram" : "sample";
		System.out.println("| System | RW | C | " + unit + "s/s | vs first | p50 ms | p99 ms | non-2xx | wire B/" + unit
				+ " | disk B/" + unit + " | CPU s (measured window) | peak RSS MiB | generator CPU s | stored / acked batches |");
		System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
		boolean lost = false;
		Map<String, Double> first = new HashMap<>();
		Map<String, List<Double>> throughput = new LinkedHashMap<>();
		for (int concurrency : concurrencies) {
			for (RemoteWriteFormat format : formats) {
				for (String system : systems) {
					if (system.trim().equals("reference") && format != RemoteWriteFormat.V1) {
						continue; // Prometheus 2.42 answers 2.0 with 415
					}
					Path workDir = Files.createTempDirectory("relay-bench-" + system + "-");
					try (SystemUnderTest sut = start(system.trim(), repo, baselineRepo, workDir, jvmArgs)) {
						LoadGenerator generator = new LoadGenerator(series, samplesPerRequest, concurrency, 0, format,
								histograms);
						Row row = measure(sut, generator, warmup, duration);
						String run = concurrency + "@" + format.version();
						throughput.computeIfAbsent(system.trim() + "@" + run, key -> new ArrayList<>())
							.add(row.result.samplesPerSecond());
						first.putIfAbsent(run, row.result.samplesPerSecond());
						double baseline = first.get(run);
						String ratio = (baseline == 0) ? "-" : String.format("%.2f×", row.result.samplesPerSecond() / baseline);
						Map<String, Long> stored = sut.storedBatches();
						long acked = row.result.ackedRequestsInAll();
						List<String> storedParts = new ArrayList<>();
						stored.forEach((name, count) -> storedParts.add(name + " " + count + "/" + acked));
						lost |= stored.values().stream().anyMatch(count -> count < acked);
						long diskBytes = sut.storedBytes();
						String disk = (diskBytes < 0 || acked == 0) ? "-"
								: String.format("%.1f", (double) diskBytes / (acked * samplesPerRequest));
						System.out.printf("| %s | %s | %d | %,.0f | %s | %.1f | %.1f | %d | %.1f | %s | %s | %s | %.1f | %s |%n",
								label(system.trim()), format.version(), concurrency, row.result.samplesPerSecond(), ratio,
								row.result.p50Micros() / 1000.0, row.result.p99Micros() / 1000.0, row.result.errors(),
								row.result.wireBytesPerSample(), disk, row.cpu(), row.rss(), row.generatorCpu,
								storedParts.isEmpty() ? "-" : String.join(", ", storedParts));
						if (!row.result.errorSample().isEmpty()) {
							System.out.println("<!-- first non-2xx: " + row.result.errorSample().replace("--", "-") + " -->");
						}
					}
					finally {
						deleteRecursively(workDir);
					}
				}
			}
		}
		for (int concurrency : concurrencies) {
			for (RemoteWriteFormat format : formats) {
				String run = concurrency + "@" + format.version();
				// Systems may be listed more than once (alternated, against drift): compare their means.
				double pipeline = mean(throughput.get("pipeline@" + run));
				double baseline = mean(throughput.get("baseline@" + run));
				if (pipeline > 0 && baseline > 0) {
					System.out.printf("%npipeline / baseline at C=%d, %s: %.3f× (means of %d and %d runs)%n", concurrency,
							format.version(), pipeline / baseline, throughput.get("pipeline@" + run).size(),
							throughput.get("baseline@" + run).size());
				}
				for (String tls : List.of("pipeline", "receiver")) {
					double on = mean(throughput.get(tls + "-tls@" + run));
					double off = mean(throughput.get(tls + "@" + run));
					if (on > 0 && off > 0) {
						System.out.printf("%n%s, TLS on / off at C=%d, %s: %.3f× (means of %d and %d runs)%n", tls,
								concurrency, format.version(), on / off, throughput.get(tls + "-tls@" + run).size(),
								throughput.get(tls + "@" + run).size());
					}
				}
			}
		}
		if (lost) {
			System.out.println();
			System.out.println("LOSS: an api-server stored fewer batches than were acknowledged");
			System.exit(1);
		}
	}

	private static SystemUnderTest start(String system, Path repo, Path baselineRepo, Path workDir,
			List<String> jvmArgs) throws Exception {
		return switch (system) {
			case "reference" -> SystemUnderTest.prometheusReceiver(workDir);
			case "prometheus3" -> SystemUnderTest.prometheus3Receiver(workDir);
			case "pipeline" -> SystemUnderTest.pipeline(repo, workDir, jvmArgs);
			case "baseline" -> SystemUnderTest.pipeline(baselineRepo, workDir, jvmArgs);
			case "receiver" -> SystemUnderTest.receiverAlone(repo, workDir, jvmArgs);
			case "relay" -> SystemUnderTest.relayOnly(repo, workDir, jvmArgs);
			case "pipeline-tls" -> SystemUnderTest.pipeline(repo, workDir, jvmArgs, TestPki.create(workDir, "bench-ca"));
			case "receiver-tls" -> SystemUnderTest.receiverAlone(repo, workDir, jvmArgs, TestPki.create(workDir, "bench-ca"));
			default -> throw new IllegalArgumentException("Unknown system '" + system + "'");
		};
	}

	private static String label(String system) {
		return switch (system) {
			case "reference" -> "Prometheus 2.42 receiver (reference)";
			case "prometheus3" -> "Prometheus 3.5 receiver";
			case "pipeline" -> "receiver → forwarder → 2 api-servers (fsync before ACK)";
			case "baseline" -> "the same, built from --baseline-repo";
			case "receiver" -> "receiver alone (forwarder ACKs at once)";
			case "relay" -> "receiver → forwarder → 2 api-servers that ACK at once";
			case "pipeline-tls" -> "the pipeline with mutual TLS on every hop (HTTPS in)";
			case "receiver-tls" -> "receiver alone, mutual TLS in and out";
			default -> system;
		};
	}

	private record Row(LoadGenerator.Result result, Map<String, ProcessStats> stats, double generatorCpu) {

		String cpu() {
			List<String> parts = new ArrayList<>();
			this.stats.forEach((name, stat) -> parts.add(String.format("%s %.1f", name, stat.cpuSeconds())));
			return String.join(", ", parts);
		}

		String rss() {
			List<String> parts = new ArrayList<>();
			this.stats.forEach((name, stat) -> parts.add(String.format("%s %d", name, stat.peakRssBytes() >> 20)));
			return String.join(", ", parts);
		}

	}

	private static Row measure(SystemUnderTest sut, LoadGenerator generator, Duration warmup, Duration duration)
			throws Exception {
		long self = ProcessHandle.current().pid();
		AtomicReference<Map<String, ProcessStats>> atStart = new AtomicReference<>();
		AtomicReference<ProcessStats> generatorAtStart = new AtomicReference<>();
		ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
		timer.schedule(() -> {
			atStart.set(sut.stats());
			try {
				generatorAtStart.set(ProcessStats.of(self));
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}, warmup.toMillis(), TimeUnit.MILLISECONDS);
		LoadGenerator.Result result = generator.run(sut.writeUrl(), sut.clientTls(), warmup, duration);
		timer.shutdown();
		timer.awaitTermination(10, TimeUnit.SECONDS);
		Map<String, ProcessStats> atEnd = sut.stats();
		Map<String, ProcessStats> measured = new LinkedHashMap<>();
		atEnd.forEach((name, stat) -> measured.put(name, stat.minus(atStart.get().get(name))));
		double generatorCpu = ProcessStats.of(self).minus(generatorAtStart.get()).cpuSeconds();
		return new Row(result, measured, generatorCpu);
	}

	private static double mean(List<Double> values) {
		return (values == null) ? 0 : values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
	}

	static void deleteRecursively(Path dir) throws java.io.IOException {
		try (var paths = Files.walk(dir)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
	}

}
