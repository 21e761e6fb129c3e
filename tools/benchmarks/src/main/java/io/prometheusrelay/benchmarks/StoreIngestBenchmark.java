package io.prometheusrelay.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

import io.prometheusrelay.apiserver.wire.WriteRequestDecoder;
import io.prometheusrelay.tsdb.AppendResult;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;

/**
 * What an api-server's storing costs without its transport, in this JVM: the remote-write benchmark's
 * requests (the same series and encoding, {@link RequestBuilder}) decoded as the api-server decodes a
 * relayed batch ({@code WriteRequestDecoder}, batch identity included) and appended to the storage
 * engine, up to 64 in flight. After {@code --warmup-requests}, it reports this JVM's CPU per sample
 * (every thread: decoding, the engine's writer, the collector), and the heap each series of the head
 * takes afterwards (after a full collection, the requests dropped; relayed series keep their key).
 * Run it under a profiler to see where the CPU goes. Prints one Markdown row.
 * <p>
 * Usage: {@code java -Xmx2g -cp tools/benchmarks/target/benchmarks-<version>-exec.jar
 * -Dloader.main=io.prometheusrelay.benchmarks.StoreIngestBenchmark org.springframework.boot.loader.launch.PropertiesLauncher
 * [--series=100000] [--samples-per-request=2000] [--warmup-requests=1000] [--requests=3000]}
 */
public final class StoreIngestBenchmark {

	private StoreIngestBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		int seriesCount = Integer.parseInt(options.get("series", "100000"));
		int perRequest = Integer.parseInt(options.get("samples-per-request", "2000"));
		int warmup = Integer.parseInt(options.get("warmup-requests", "1000"));
		int requests = Integer.parseInt(options.get("requests", "3000"));
		RequestBuilder builder = new RequestBuilder(new SeriesSet(seriesCount));
		int chunks = Math.max(1, seriesCount / perRequest);
		Path dir = Files.createTempDirectory("relay-store-ingest-bench-");
		long pid = ProcessHandle.current().pid();
		try (Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(dir), Clock.systemUTC())) {
			long base = System.currentTimeMillis() - 60_000;
			Deque<CompletableFuture<AppendResult>> inFlight = new ArrayDeque<>();
			ProcessStats before = null;
			long started = 0;
			for (int n = 0; n < warmup + requests; n++) {
				if (n == warmup) {
					drain(inFlight, 0);
					before = ProcessStats.of(pid);
					started = System.nanoTime();
				}
				byte[] request = builder.buildRaw((n % chunks) * perRequest, perRequest, base + n / chunks, n / chunks);
				inFlight.add(tsdb.append(WriteRequestDecoder.decode(request)));
				drain(inFlight, 64);
			}
			drain(inFlight, 0);
			double seconds = (System.nanoTime() - started) / 1e9;
			double cpu = ProcessStats.of(pid).minus(before).cpuSeconds();
			long samples = (long) requests * perRequest;
			builder = null;
			System.gc();
			double heapPerSeries = (double) ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
					/ tsdb.headSeries();
			long samplesPerSeries = (long) (warmup + requests) * perRequest / seriesCount;
			System.out.printf("# Store ingest benchmark, %s: %,d series, %d samples per request, %,d requests after %,d"
					+ " to warm up, %d cores%n", Instant.now(), seriesCount, perRequest, requests, warmup,
					Runtime.getRuntime().availableProcessors());
			System.out.println("| samples | seconds | samples/s | CPU s | µs of CPU per sample | heap per head series"
					+ " (samples each) |");
			System.out.println("|---|---|---|---|---|---|");
			System.out.printf("| %,d | %.1f | %,.0f | %.1f | %.2f | %,.0f B (%d) |%n", samples, seconds,
					samples / seconds, cpu, cpu / samples * 1e6, heapPerSeries, samplesPerSeries);
		}
		finally {
			RemoteWriteBenchmark.deleteRecursively(dir);
		}
	}

	private static void drain(Deque<CompletableFuture<AppendResult>> inFlight, int atMost) throws Exception {
		while (inFlight.size() > atMost) {
			inFlight.poll().get();
		}
	}

}
