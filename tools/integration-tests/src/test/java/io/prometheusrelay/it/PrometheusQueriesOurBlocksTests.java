package io.prometheusrelay.it;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.Span;
import io.prometheusrelay.tsdb.model.StaleNaN;
import io.prometheusrelay.tsdb.model.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prometheus v3.5's own server, started on a copy of the blocks the engine wrote, answers PromQL
 * with exactly the samples stored: a range selector over every series returns each float sample,
 * bit for bit as its text, at its timestamp (staleness markers hidden, as Prometheus hides its own),
 * and each native histogram with its count and sum. The engine's write-ahead log is its own, so
 * Prometheus sees what is in blocks: the samples before the head.
 */
class PrometheusQueriesOurBlocksTests {

	private static final long START = 1_767_225_600_000L;

	private static final long STEP = 15_000;

	private static final int HOURS = 8;

	@TempDir
	Path workDir;

	@Test
	void prometheusAnswersARangeSelectorWithExactlyTheSamplesInOurBlocks() throws Exception {
		Path dataDir = this.workDir.resolve("store");
		Map<String, List<String>> written = new TreeMap<>();
		long blocksEnd;
		try (Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(dataDir), Clock.systemUTC())) {
			write(tsdb, written);
			tsdb.compactNow();
			// Three 2 h blocks cut from the head, merged into one of 6 h; the last 2 h stay in the head.
			assertThat(tsdb.blocks()).extracting(Block::minTime).containsExactly(START);
			blocksEnd = tsdb.blocks().get(0).meta().maxTime();
			assertThat(blocksEnd).isEqualTo(START + 6 * 3_600_000L);
		}
		Path copy = this.workDir.resolve("copy");
		copyBlocks(dataDir, copy);

		try (PrometheusServer prometheus = PrometheusServer.version3On(copy, this.workDir)) {
			long at = blocksEnd - 1;
			String body = prometheus.rawSamples("{__name__=~\"relay_check_.+\"}[" + (at - START + 1) + "ms] @ "
					+ seconds(at));
			assertThat((String) JsonPath.read(body, "$.status")).as(body).isEqualTo("success");
			Map<String, List<String>> expected = new TreeMap<>();
			written.forEach((series, samples) -> expected.put(series,
					samples.stream().filter(sample -> timestamp(sample) <= at).toList()));
			assertThat(expected).hasSize(6);
			assertThat(expected.get("relay_check_queue_length{}")).hasSize(1000);
			assertThat(expected.get("relay_check_latency_seconds")).hasSize(6 * 240);
			assertThat(read(body)).isEqualTo(expected);
		}
	}

	/**
	 * Counters that grow by small steps, a gauge that holds and then goes stale, an integer and a float
	 * native histogram, every 15 s for eight hours. Each sample also goes to {@code written}, as
	 * {@link #read} spells what Prometheus answers.
	 */
	private static void write(Tsdb tsdb, Map<String, List<String>> written) throws Exception {
		Random random = new Random(42);
		double[] counters = new double[3];
		for (long t = START; t < START + HOURS * 3_600_000L; t += STEP) {
			List<SeriesWrite> series = new ArrayList<>();
			for (int i = 0; i < counters.length; i++) {
				counters[i] += random.nextInt(5) + (i == 2 ? 0.125 : 0);
				series.add(floats(written, Labels.of("__name__", "relay_check_requests_total", "instance", "i" + i), t,
						counters[i]));
			}
			long step = (t - START) / STEP;
			double gauge = (step < 1000) ? Math.floor(step / 40.0) * 1.5 : StaleNaN.VALUE;
			if (step <= 1000) {
				series.add(floats(written, Labels.of("__name__", "relay_check_queue_length"), t, gauge));
			}
			Histogram h = histogram(step);
			series.add(new SeriesWrite(Labels.of("__name__", "relay_check_latency_seconds"), List.of(Sample.of(t, h))));
			written.computeIfAbsent("relay_check_latency_seconds", key -> new ArrayList<>())
				.add(t + " count=" + (double) h.count() + " sum=" + h.sum());
			FloatHistogram f = floatHistogram(step);
			series.add(new SeriesWrite(Labels.of("__name__", "relay_check_size_bytes"), List.of(Sample.of(t, f))));
			written.computeIfAbsent("relay_check_size_bytes", key -> new ArrayList<>())
				.add(t + " count=" + f.count() + " sum=" + f.sum());
			tsdb.append(new WriteBatch(new BatchId(1, step + 1), series)).get();
		}
	}

	private static SeriesWrite floats(Map<String, List<String>> written, Labels labels, long t, double value) {
		if (!StaleNaN.is(value)) {
			written.computeIfAbsent(labels.toString(), key -> new ArrayList<>()).add(t + " " + value);
		}
		return new SeriesWrite(labels, List.of(Sample.of(t, value)));
	}

	/** An exponential histogram (schema 1) of a growing count in four positive buckets and the zero bucket. */
	private static Histogram histogram(long step) {
		long[] counts = { step / 2, step / 3 + 1, step / 5, step / 7 };
		long zero = step / 11;
		long[] deltas = new long[counts.length];
		long previous = 0;
		long count = zero;
		for (int i = 0; i < counts.length; i++) {
			deltas[i] = counts[i] - previous;
			previous = counts[i];
			count += counts[i];
		}
		return new Histogram(ResetHint.UNKNOWN, 1, Math.scalb(1.0, -128), count, zero, 0.25 * step + 0.5,
				new Span[] { new Span(-2, 2), new Span(1, 2) }, deltas, new Span[0], new long[0], new double[0]);
	}

	/** A float histogram whose counts are not integers (a rate, say). */
	private static FloatHistogram floatHistogram(long step) {
		double[] counts = { step * 0.5, step * 0.25 + 0.5 };
		return new FloatHistogram(ResetHint.GAUGE, 0, 0.001, counts[0] + counts[1] + 0.125, 0.125, step * 3.75,
				new Span[] { new Span(3, 2) }, counts, new Span[0], new double[0], new double[0]);
	}

	/** What the instant query of a range selector answers, spelt as {@link #write} spells it. */
	private static Map<String, List<String>> read(String body) {
		Map<String, List<String>> read = new TreeMap<>();
		List<Map<String, Object>> result = JsonPath.read(body, "$.data.result");
		for (Map<String, Object> series : result) {
			@SuppressWarnings("unchecked")
			Map<String, String> metric = (Map<String, String>) series.get("metric");
			String name = metric.get("__name__");
			String key = name.endsWith("_latency_seconds") || name.endsWith("_size_bytes") ? name
					: Labels.of(metric).toString();
			List<String> samples = read.computeIfAbsent(key, k -> new ArrayList<>());
			@SuppressWarnings("unchecked")
			List<List<Object>> values = (List<List<Object>>) series.getOrDefault("values", List.of());
			for (List<Object> value : values) {
				samples.add(millis(value.get(0)) + " " + Double.parseDouble((String) value.get(1)));
			}
			@SuppressWarnings("unchecked")
			List<List<Object>> histograms = (List<List<Object>>) series.getOrDefault("histograms", List.of());
			for (List<Object> histogram : histograms) {
				@SuppressWarnings("unchecked")
				Map<String, Object> h = (Map<String, Object>) histogram.get(1);
				samples.add(millis(histogram.get(0)) + " count=" + Double.parseDouble((String) h.get("count")) + " sum="
						+ Double.parseDouble((String) h.get("sum")));
			}
		}
		return read;
	}

	private static long timestamp(String sample) {
		return Long.parseLong(sample.substring(0, sample.indexOf(' ')));
	}

	private static long millis(Object seconds) {
		return new BigDecimal(seconds.toString()).movePointRight(3).longValueExact();
	}

	private static String seconds(long millis) {
		return BigDecimal.valueOf(millis).movePointLeft(3).toPlainString();
	}

	/** Copies the block directories only: Prometheus reads those, and may compact them, so never the store's own. */
	private static void copyBlocks(Path dataDir, Path copy) throws Exception {
		Files.createDirectories(copy);
		try (Stream<Path> entries = Files.list(dataDir)) {
			for (Path entry : entries.filter(e -> e.getFileName().toString().matches("[0-9A-Z]{26}")).toList()) {
				try (Stream<Path> walk = Files.walk(entry)) {
					for (Path each : walk.toList()) {
						Path target = copy.resolve(dataDir.relativize(each).toString());
						if (Files.isDirectory(each)) {
							Files.createDirectories(target);
						}
						else {
							Files.copy(each, target);
						}
					}
				}
			}
		}
	}

}
