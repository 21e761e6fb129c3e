package io.prometheusrelay.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.WriteBatch;

/**
 * The engine's heap as series come and go, in this JVM: waves of {@code --series-per-wave} new
 * series (pods replaced by a deployment), each wave receiving samples for one block range (2 h) and
 * then never again, until {@code --waves} waves have passed; then one more block range of a single
 * series, so that every wave's series leave the head. Reports the heap after a full GC: empty, with
 * one wave active, and after all of them churned away (in blocks only, still readable). Prints a
 * Markdown table.
 * <p>
 * Usage: {@code java -Xmx2g -cp tools/benchmarks/target/benchmarks-<version>-exec.jar
 * -Dloader.main=io.prometheusrelay.benchmarks.HeadChurnBenchmark org.springframework.boot.loader.launch.PropertiesLauncher
 * [--waves=10] [--series-per-wave=100000] [--step=15m] [--histogram=false]}; with {@code --histogram=true}
 * it prints the classes that fill the heap at the end.
 */
public final class HeadChurnBenchmark {

	private static final long RANGE = Duration.ofHours(2).toMillis();

	private HeadChurnBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		int waves = Integer.parseInt(options.get("waves", "10"));
		int perWave = Integer.parseInt(options.get("series-per-wave", "100000"));
		long step = options.duration("step", "15m").toMillis();
		Path dataDir = Files.createTempDirectory("relay-churn-bench-");
		long start = Math.floorDiv(System.currentTimeMillis() - RANGE * (waves + 3), RANGE) * RANGE;
		System.out.printf("# Head churn benchmark, %s: %d waves of %,d series, a sample every %d s for 2 h each,"
				+ " heap %d MiB, %d cores%n", Instant.now(), waves, perWave, step / 1000,
				Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
		System.out.println();
		System.out.println("| Moment | series in the head | blocks | heap after full GC, MiB | heap per head series, B |");
		System.out.println("|---|---|---|---|---|");
		try (Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(dataDir), Clock.systemUTC())) {
			long empty = heapAfterGc();
			row("empty", tsdb, empty, empty);
			EngineFeeder feeder = new EngineFeeder(tsdb);
			long id = 1;
			for (int wave = 0; wave < waves; wave++) {
				for (long t = start + wave * RANGE; t < start + (wave + 1) * RANGE; t += step) {
					for (int from = 0; from < perWave; from += 2000) {
						List<SeriesWrite> series = new ArrayList<>();
						for (int i = from; i < Math.min(perWave, from + 2000); i++) {
							series.add(new SeriesWrite(labels(wave, i), List.of(Sample.of(t, i % 100))));
						}
						feeder.append(List.of(new WriteBatch(new BatchId(0, id++), series)));
					}
				}
				feeder.awaitAll();
				tsdb.compactNow();
				if (wave == 0) {
					row("one wave active", tsdb, heapAfterGc(), empty);
				}
			}
			// One series carries the head a block range and a half on: every wave leaves it.
			long last = start + waves * RANGE;
			for (long t = last; t <= last + RANGE * 3 / 2 + step; t += step) {
				feeder.append(List.of(new WriteBatch(new BatchId(1, t),
						List.of(new SeriesWrite(Labels.of("__name__", "churn_clock"), List.of(Sample.of(t, 1)))))));
			}
			feeder.awaitAll();
			tsdb.compactNow();
			row("after " + String.format("%,d", (long) waves * perWave) + " series churned away", tsdb, heapAfterGc(),
					empty);
			if (Boolean.parseBoolean(options.get("histogram", "false"))) {
				printHistogram();
			}
		}
		finally {
			RemoteWriteBenchmark.deleteRecursively(dataDir);
		}
	}

	/** What the heap holds now, by class (the JDK's {@code jcmd GC.class_histogram}), its top 20. */
	private static void printHistogram() throws Exception {
		Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
				Long.toString(ProcessHandle.current().pid()), "GC.class_histogram").redirectErrorStream(true).start();
		String histogram = new String(jcmd.getInputStream().readAllBytes());
		jcmd.waitFor();
		System.out.println();
		histogram.lines().limit(24).forEach(line -> System.out.println("    " + line));
	}

	private static Labels labels(int wave, int i) {
		return Labels.of("__name__", "churn_requests_total", "job", "kubernetes-pods", "namespace", "team-" + (i % 40),
				"pod", "checkout-" + wave + "-" + Integer.toString(i, 36), "instance",
				"10." + wave + "." + (i / 250 % 250) + "." + (i % 250) + ":8080");
	}

	private static void row(String moment, Tsdb tsdb, long heap, long empty) {
		int series = tsdb.headSeries();
		System.out.printf("| %s | %,d | %d | %.1f | %s |%n", moment, series, tsdb.blocks().size(), heap / 1048576.0,
				(series > 1) ? String.format("%,.0f", (double) (heap - empty) / series) : "-");
	}

	private static long heapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return StorageBenchmark.usedHeap();
	}

}
