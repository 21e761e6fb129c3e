package io.prometheusrelay.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClient;
import io.prometheusrelay.transport.RelayClientOptions;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.ManagedProcess;
import reactor.core.publisher.Flux;

/**
 * Read-path benchmark. One api-server process holds {@code --series} series (10 labels each),
 * stored through its relay port; a client in this process streams LATEST with both RPCs, directly
 * and through Debian's HAProxy (the repository's static config), as fast as it can and at a tenth of
 * that, and the table records series/s, MB/s, the server's (and HAProxy's) CPU seconds and the
 * server's heap growth during the stream.
 * <p>
 * Usage: {@code java -cp tools/benchmarks/target/benchmarks-<version>-exec.jar
 * -Dloader.main=io.prometheusrelay.benchmarks.ReadPathBenchmark org.springframework.boot.loader.launch.PropertiesLauncher
 * [--series=1000000] [--runs=3] [--heap=2g] [--repo=.]}
 */
public final class ReadPathBenchmark {

	private ReadPathBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = Options.parse(args).asMap();
		int seriesCount = Integer.parseInt(options.getOrDefault("series", "1000000"));
		int runs = Integer.parseInt(options.getOrDefault("runs", "3"));
		String heap = options.getOrDefault("heap", "2g");
		Path repo = Path.of(options.getOrDefault("repo", ".")).toAbsolutePath().normalize();
		Path workDir = Files.createTempDirectory("relay-read-bench-");
		int relayPort = FreePorts.next();
		int grpcPort = FreePorts.next();
		int httpPort = FreePorts.next();
		SeriesSet series = new SeriesSet(seriesCount);
		ManagedProcess server = ManagedProcess.start("api-server", List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms" + heap, "-Xmx" + heap,
				"-XX:+UseParallelGC", "-jar", SystemUnderTest.execJar(repo, "api-server").toString(),
				"--server.port=" + httpPort, "--server.address=127.0.0.1", "--relay.api-server.relay.port=" + relayPort,
				"--relay.api-server.relay.host=127.0.0.1", "--relay.api-server.grpc.port=" + grpcPort,
				"--relay.api-server.grpc.host=127.0.0.1", "--relay.api-server.store.data-dir=" + workDir.resolve("data"),
				"--relay.api-server.store.fsync=never"), workDir.resolve("logs"));
		ManagedProcess haproxy = null;
		try {
			awaitHealthy(httpPort, server);
			Instant loadStart = Instant.now();
			load(series, relayPort);
			System.out.printf("# Read-path benchmark, %s%n", Instant.now());
			System.out.printf("# api-server (-Xmx%s, ParallelGC) holding %,d series of 10 labels (%.0f bytes per TimeSeries), "
					+ "loaded in %ds; %d cores; median of %d runs for full-speed reads%n", heap, seriesCount,
					series.meanSeriesBytes(), Duration.between(loadStart, Instant.now()).toSeconds(),
					Runtime.getRuntime().availableProcessors(), runs);
			int haproxyPort = FreePorts.next();
			haproxy = startHaproxy(repo, haproxyPort, grpcPort, httpPort, workDir);
			System.out.println();
			System.out.println("| RPC | path | reader | series/s | MB/s | messages/s | server CPU s | HAProxy CPU s | server retained heap growth MiB | time s |");
			System.out.println("|---|---|---|---|---|---|---|---|---|---|");
			for (boolean batched : new boolean[] { false, true }) {
				for (String path : List.of("direct", "HAProxy")) {
					int port = path.equals("direct") ? grpcPort : haproxyPort;
					ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
						.usePlaintext()
						.directExecutor()
						.maxInboundMessageSize(16 << 20)
						.build();
					try {
						StreamReader.read(channel, batched, 0); // warm-up
						List<Row> fast = new ArrayList<>();
						for (int i = 0; i < runs; i++) {
							fast.add(measure(channel, batched, 0, server.pid(), haproxy.pid(), httpPort));
						}
						fast.sort((a, b) -> Double.compare(a.read.seriesPerSecond(), b.read.seriesPerSecond()));
						Row median = fast.get(fast.size() / 2);
						print(batched, path, "as fast as it can", median);
						Row slow = measure(channel, batched, median.read.messagesPerSecond() / 10, server.pid(),
								haproxy.pid(), httpPort);
						print(batched, path, "10× slower", slow);
					}
					finally {
						channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
					}
				}
			}
		}
		finally {
			if (haproxy != null) {
				haproxy.stop(Duration.ofSeconds(10));
			}
			server.stop(Duration.ofSeconds(20));
		}
	}

	private record Row(StreamReader.Read read, double serverCpu, double haproxyCpu, long heapGrowth) {
	}

	private static void print(boolean batched, String path, String reader, Row row) {
		System.out.printf("| %s | %s | %s | %,.0f | %.1f | %,.0f | %.2f | %s | %s | %.1f |%n",
				batched ? "GetMetricsBatches" : "GetMetrics", path, reader, row.read.seriesPerSecond(),
				row.read.megabytesPerSecond(), row.read.messagesPerSecond(), row.serverCpu,
				path.equals("direct") ? "-" : String.format("%.2f", row.haproxyCpu),
				row.heapGrowth < 0 ? "- (under 1 s)" : Long.toString(row.heapGrowth >> 20), row.read.nanos() / 1e9);
	}

	private static Row measure(ManagedChannel channel, boolean batched, double pace, long serverPid, long haproxyPid,
			int httpPort) throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		long heapBefore = retainedHeap(http, httpPort, serverPid);
		AtomicLong heapPeak = new AtomicLong(-1);
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		// What the server holds while streaming: heap right after a full GC, once a second.
		sampler.scheduleWithFixedDelay(() -> {
			try {
				heapPeak.accumulateAndGet(retainedHeap(http, httpPort, serverPid), Math::max);
			}
			catch (Exception ex) {
				// a missed sample
			}
		}, 1, 1, TimeUnit.SECONDS);
		ProcessStats serverBefore = ProcessStats.of(serverPid);
		ProcessStats haproxyBefore = ProcessStats.of(haproxyPid);
		StreamReader.Read read = StreamReader.read(channel, batched, pace);
		double serverCpu = ProcessStats.of(serverPid).minus(serverBefore).cpuSeconds();
		double haproxyCpu = ProcessStats.of(haproxyPid).minus(haproxyBefore).cpuSeconds();
		sampler.shutdownNow();
		sampler.awaitTermination(10, TimeUnit.SECONDS);
		long growth = (heapPeak.get() < 0) ? -1 : Math.max(0, heapPeak.get() - heapBefore);
		return new Row(read, serverCpu, haproxyCpu, growth);
	}

	/** Heap the server retains: a full GC in it ({@code jcmd GC.run}), then its heap in use. */
	private static long retainedHeap(HttpClient http, int httpPort, long pid) throws Exception {
		Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
				Long.toString(pid), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
		jcmd.waitFor(30, TimeUnit.SECONDS);
		return heapUsed(http, httpPort);
	}

	/** Heap in use in the api-server, from its own JVM metrics. */
	private static long heapUsed(HttpClient http, int httpPort) throws Exception {
		String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/prometheus"))
			.build(), HttpResponse.BodyHandlers.ofString()).body();
		double used = 0;
		for (String line : metrics.split("\n")) {
			if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
				used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return (long) used;
	}

	/** Stores every series once, in batches of 10,000, through the relay, as the forwarder would. */
	private static void load(SeriesSet series, int relayPort) {
		RelayClientOptions options = new RelayClientOptions(1 << 20, 16, Duration.ofSeconds(60), Duration.ofSeconds(2),
				Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500));
		try (RelayClient client = new RelayClient("api-server", "127.0.0.1", relayPort, options, new SimpleMeterRegistry())
			.start()) {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!client.isConnected() && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			int batch = 10_000;
			long timestamp = System.currentTimeMillis();
			List<BatchOutcome> outcomes = Flux.range(0, (series.size() + batch - 1) / batch)
				.concatMap(i -> client.send(new RequestBuilder(series).buildRaw(i * batch,
						Math.min(batch, series.size() - i * batch), timestamp, i)), 8)
				.collectList()
				.block(Duration.ofMinutes(10));
			if (outcomes == null || !outcomes.stream().allMatch(BatchOutcome::acked)) {
				throw new IllegalStateException("loading failed: " + outcomes);
			}
		}
	}

	private static ManagedProcess startHaproxy(Path repo, int port, int grpcPort, int checkPort, Path workDir)
			throws Exception {
		Map<String, String> environment = Map.of("HAPROXY_BIND", "127.0.0.1:" + port, "HAPROXY_STATS",
				"127.0.0.1:" + FreePorts.next(), "API_SERVER_1", "127.0.0.1:" + grpcPort, "API_SERVER_2",
				"127.0.0.1:" + grpcPort, "API_SERVER_1_CHECK_PORT", Integer.toString(checkPort),
				"API_SERVER_2_CHECK_PORT", Integer.toString(checkPort));
		ManagedProcess haproxy = ManagedProcess.start("haproxy",
				List.of("haproxy", "-db", "-f", repo.resolve("deploy/haproxy/haproxy-static.cfg").toString()), environment,
				workDir.resolve("logs"));
		Thread.sleep(3000); // two health checks, one second apart, before the servers count as UP
		if (!haproxy.isAlive()) {
			throw new IllegalStateException("haproxy exited:\n" + haproxy.tail(20));
		}
		return haproxy;
	}

	private static void awaitHealthy(int httpPort, ManagedProcess server) throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (System.nanoTime() < deadline) {
			if (!server.isAlive()) {
				throw new IllegalStateException("api-server exited:\n" + server.tail(30));
			}
			try {
				if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (java.io.IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("api-server did not become healthy");
	}

}
