package io.prometheusrelay.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.MetricsBatch;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;

/**
 * What a store's size costs its readers and its restarts. For each size (hours of 100,000 series at
 * a 15 s step, written through the engine's API in this JVM, then ten minutes more after the last
 * checkpoint, as a running api-server has at most), it times an api-server's start until it serves (its
 * health answers and a LATEST call returns), once on the store closed gracefully and once on a copy
 * taken while the engine was running (what SIGKILL leaves: every acknowledged batch is in the log);
 * then RANGE calls for 5 minutes of 1,000 series ({@code __name__=~"bench_metric_(7|8)"}) at the
 * store's newest (in the head), middle and oldest, each {@code --calls} times, timed on the server
 * (the api-server's {@code relay_grpc_call_duration_seconds}) and by the client on loopback: the first
 * call right after the start, the others once the api-server has settled (its start's collections
 * done) and after as many untimed calls at each place (the compiler's warm-up). Prints Markdown
 * tables.
 * <p>
 * Usage: {@code java -Xmx4g -cp tools/benchmarks/target/benchmarks-<version>-exec.jar
 * -Dloader.main=io.prometheusrelay.benchmarks.StoreReadBenchmark org.springframework.boot.loader.launch.PropertiesLauncher
 * [--hours=6,24] [--series=100000] [--calls=20] [--heap=1g] [--service-jvm-args="-XX:+UseParallelGC"]
 * [--repo=.]}
 */
public final class StoreReadBenchmark {

	private static final long FIVE_MINUTES = Duration.ofMinutes(5).toMillis();

	private StoreReadBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		int series = Integer.parseInt(options.get("series", "100000"));
		int calls = Integer.parseInt(options.get("calls", "20"));
		String heap = options.get("heap", "1g");
		// The collector the suite's scripts and the other benchmarks run the services with.
		List<String> jvmArgs = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap));
		String extra = options.get("service-jvm-args", "-XX:+UseParallelGC");
		if (!extra.isBlank()) {
			jvmArgs.addAll(List.of(extra.trim().split("\\s+")));
		}
		Path repo = Path.of(options.get("repo", ".")).toAbsolutePath().normalize();
		System.out.printf("# Store read benchmark, %s: %,d series at a 15 s step, api-server JVM %s, %d cores%n",
				Instant.now(), series, String.join(" ", jvmArgs), Runtime.getRuntime().availableProcessors());
		warmUpClient(jvmArgs, repo);
		List<String> restarts = new ArrayList<>();
		List<String> ranges = new ArrayList<>();
		List<String> firstCalls = new ArrayList<>();
		for (String hours : options.get("hours", "6,24").split(",")) {
			measure(Integer.parseInt(hours.trim()), series, calls, jvmArgs, repo, restarts, ranges, firstCalls);
		}
		System.out.println();
		System.out.println("| Store | samples | on disk, MiB | fill s | blocks | restart | until healthy s | until LATEST answers s"
				+ " | of which the store's opening (its log), and the read path's warm-up |");
		System.out.println("|---|---|---|---|---|---|---|---|---|");
		restarts.forEach(System.out::println);
		System.out.println();
		System.out.println("| Store | first RANGE after the start, newest 5 min (head): samples | server ms | client ms |");
		System.out.println("|---|---|---|---|");
		firstCalls.forEach(System.out::println);
		System.out.println();
		System.out.println("| Store | 5 min of 1,000 series at | samples | server p50 ms | server p90 ms | server max ms"
				+ " (the first of these) | client p50 ms | client p90 ms | client max ms (the first of these) |");
		System.out.println("|---|---|---|---|---|---|---|---|---|");
		ranges.forEach(System.out::println);
	}

	private static void measure(int hours, int seriesCount, int calls, List<String> jvmArgs, Path repo,
			List<String> restarts, List<String> ranges, List<String> firstCalls) throws Exception {
		Path workDir = Files.createTempDirectory("relay-store-read-bench-");
		try {
			StorageWorkload workload = StorageWorkload.WIDE;
			int steps = (int) (Duration.ofHours(hours).toMillis() / StorageWorkload.STEP.toMillis());
			long start = System.currentTimeMillis() - Duration.ofHours(hours + 1).toMillis();
			Path store = workDir.resolve("graceful");
			long filling = System.nanoTime();
			int blocks;
			try (Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(store), Clock.systemUTC())) {
				EngineFeeder feeder = new EngineFeeder(tsdb);
				SampleGenerator generator = new SampleGenerator(workload, seriesCount, steps + 40, start, 1);
				for (int step = 0; step < steps; step++) {
					feeder.append(generator.nextStep(2000));
				}
				feeder.awaitAll();
				tsdb.compactNow();
				// A running api-server checkpoints every 10 minutes (checkpoint-interval): the most a
				// restart after a crash replays is the ten minutes after the last checkpoint.
				tsdb.checkpointNow();
				for (int step = 0; step < 40; step++) {
					feeder.append(generator.nextStep(2000));
				}
				feeder.awaitAll();
				blocks = tsdb.blocks().size();
				copy(store, workDir.resolve("killed"));
			}
			double fillSeconds = (System.nanoTime() - filling) / 1e9;
			long samples = (long) seriesCount * (steps + 40);
			String label = hours + " h";
			String size = String.format("%,.0f", StoreFiles.bytes(store) / 1048576.0);
			long end = start + StorageWorkload.STEP.toMillis() * (steps + 39);
			try (SystemUnderTest sut = SystemUnderTest.apiServersOnly(jvmArgs)) {
				for (String name : List.of("graceful", "killed")) {
					int grpcPort = FreePorts.next();
					long starting = System.nanoTime();
					sut.startApiServer(name, repo, workDir, FreePorts.next(), grpcPort, List.of());
					double healthy = (System.nanoTime() - starting) / 1e9;
					ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort)
						.usePlaintext()
						.maxInboundMessageSize(64 << 20)
						.build();
					try {
						latest(channel);
						double serving = (System.nanoTime() - starting) / 1e9;
						restarts.add(String.format("| %s | %,d | %s | %.0f | %d | %s | %.1f | %.1f | %s |", label, samples,
								size, fillSeconds, blocks, name.equals("graceful") ? "after SIGTERM (checkpoint at close)"
										: "after SIGKILL (10 min of log to replay)", healthy, serving,
								storeOpened(sut.tail(name, 400))));
						if (name.equals("graceful")) {
							RangeTimings timings = new RangeTimings(sut, name, channel, calls);
							firstCalls.add(timings.firstCall(label, end - FIVE_MINUTES, end));
							timings.settle();
							ranges.add(timings.row(label, "newest (head)", end - FIVE_MINUTES, end));
							long middle = start + (end - start) / 2;
							ranges.add(timings.row(label, "middle (blocks)", middle, middle + FIVE_MINUTES));
							ranges.add(timings.row(label, "oldest (first block)", start, start + FIVE_MINUTES));
						}
					}
					finally {
						channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
					}
					sut.stop(name);
				}
			}
		}
		finally {
			RemoteWriteBenchmark.deleteRecursively(workDir);
		}
	}

	/**
	 * What the engine's own log line says of its opening (how long, and how long replaying its log
	 * took), and the api-server's of its read path's warm-up.
	 */
	private static String storeOpened(String log) {
		java.util.regex.Matcher opened = java.util.regex.Pattern
			.compile("(\\d+) series in the head, (\\d+) log records replayed in (\\d+) ms, opened in (\\d+) ms")
			.matcher(log);
		java.util.regex.Matcher warmedUp = java.util.regex.Pattern.compile("Read path warmed up in (\\d+) ms").matcher(log);
		String warmUp = warmedUp.find()
				? String.format("; read path warmed up in %.2f s", Long.parseLong(warmedUp.group(1)) / 1e3) : "";
		return opened.find() ? String.format("%.1f s (%s log records in %.1f s)%s", Long.parseLong(opened.group(4)) / 1e3,
				opened.group(2), Long.parseLong(opened.group(3)) / 1e3, warmUp) : "-";
	}

	private static void latest(ManagedChannel channel) {
		Iterator<MetricsBatch> batches = PrometheusServiceGrpc.newBlockingStub(channel)
			.withDeadlineAfter(60, TimeUnit.SECONDS)
			.getMetricsBatches(GetMetricsRequest.newBuilder()
				.addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("bench_metric_7"))
				.build());
		long series = 0;
		while (batches.hasNext()) {
			series += batches.next().getTimeSeriesCount();
		}
		if (series == 0) {
			throw new IllegalStateException("LATEST returned no series");
		}
	}

	/**
	 * One LATEST call to an api-server on an empty store, untimed: the first gRPC call of this JVM
	 * loads its client's classes (measured: the first timed LATEST answered 1.4 s after the health
	 * check, the others 0.3 s after it), which is this program's start, not the api-server's.
	 */
	private static void warmUpClient(List<String> jvmArgs, Path repo) throws Exception {
		Path workDir = Files.createTempDirectory("relay-store-read-warm-up-");
		try (SystemUnderTest sut = SystemUnderTest.apiServersOnly(jvmArgs)) {
			int grpcPort = FreePorts.next();
			sut.startApiServer("warm-up", repo, workDir, FreePorts.next(), grpcPort, List.of());
			ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
			try {
				PrometheusServiceGrpc.newBlockingStub(channel)
					.withDeadlineAfter(60, TimeUnit.SECONDS)
					.getMetricsBatches(GetMetricsRequest.newBuilder()
						.addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("bench_metric_7"))
						.build())
					.forEachRemaining(batch -> {
					});
			}
			finally {
				channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
			}
			sut.stop("warm-up");
		}
		finally {
			RemoteWriteBenchmark.deleteRecursively(workDir);
		}
	}

	private static void copy(Path from, Path to) throws Exception {
		try (var walk = Files.walk(from)) {
			for (Path each : walk.toList()) {
				Path target = to.resolve(from.relativize(each).toString());
				if (Files.isSymbolicLink(each)) {
					Files.createSymbolicLink(target, Files.readSymbolicLink(each));
				}
				else if (Files.isDirectory(each)) {
					Files.createDirectories(target);
				}
				else if (!each.getFileName().toString().equals(".lock")) {
					Files.copy(each, target);
				}
			}
		}
	}

}
