package io.prometheusrelay.tsdb.block;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.prometheusrelay.tsdb.chunkenc.ChunkSequence;
import io.prometheusrelay.tsdb.chunkenc.SampleIterator;
import io.prometheusrelay.tsdb.chunks.ChunkMeta;
import io.prometheusrelay.tsdb.index.IndexSeries;
import io.prometheusrelay.tsdb.index.Postings;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.StaleNaN;
import io.prometheusrelay.tsdb.model.TestHistograms;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.ValueType;

/** Blocks written from samples in memory, and read back whole, for the tests. */
public final class TestBlocks {

	private TestBlocks() {
	}

	public record TestSeries(Labels labels, List<Sample> samples) {
	}

	/** Writes the series (in any order) as one block of [minTime, maxTime) under {@code dataDir}. */
	public static BlockMeta write(Path dataDir, long minTime, long maxTime, List<TestSeries> series) throws IOException {
		List<TestSeries> sorted = new ArrayList<>(series);
		sorted.sort(Comparator.comparing(TestSeries::labels));
		TreeSet<String> symbols = new TreeSet<>();
		for (TestSeries each : sorted) {
			for (int i = 0; i < each.labels().size(); i++) {
				symbols.add(each.labels().name(i));
				symbols.add(each.labels().value(i));
			}
		}
		Ulid id = Ulid.at(System.currentTimeMillis());
		try (BlockWriter writer = BlockWriter.create(dataDir, id, minTime, maxTime, symbols)) {
			for (TestSeries each : sorted) {
				ChunkSequence chunks = new ChunkSequence();
				each.samples().forEach(chunks::append);
				writer.addSeries(each.labels(), chunks.finish());
			}
			return writer.commit(new BlockMeta.Compaction(1, List.of(id.toString()), List.of()));
		}
	}

	/** Every series of the block with every sample, in label order. */
	public static Map<Labels, List<Sample>> readAll(Block block) {
		Map<Labels, List<Sample>> all = new LinkedHashMap<>();
		Postings postings = block.index().allPostings();
		for (int i = 0; i < postings.size(); i++) {
			IndexSeries series = block.index().series(postings.get(i));
			List<Sample> samples = new ArrayList<>();
			for (ChunkMeta meta : series.chunks()) {
				SampleIterator it = block.chunks().chunk(meta.ref()).iterator();
				for (ValueType type = it.next(); type != ValueType.NONE; type = it.next()) {
					samples.add(it.sample(type));
				}
			}
			all.put(series.labels(), samples);
		}
		return all;
	}

	/**
	 * Series of every kind over {@code count} steps of 15 s from {@code start}: counters and gauges,
	 * floats that must survive bit for bit (NaN payloads, the staleness marker, infinities, -0), label
	 * values in several scripts (including characters beyond U+FFFF, which sort differently in UTF-16),
	 * integer, custom-bucket, gauge and float histograms.
	 */
	public static List<TestSeries> mixedSeries(long start, int count) {
		List<TestSeries> series = new ArrayList<>();
		for (int instance = 0; instance < 5; instance++) {
			List<Sample> counter = new ArrayList<>();
			List<Sample> gauge = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				long t = start + 15_000L * i;
				counter.add(Sample.of(t, 1000.0 * instance + 3 * i));
				gauge.add(Sample.of(t, (i / 10 % 2 == 0) ? 0.25 * instance : -12.5 + i % 7));
			}
			series.add(new TestSeries(Labels.of("__name__", "requests_total", "job", "relay", "instance",
					"host-" + instance + ":9100"), counter));
			series.add(new TestSeries(Labels.of("__name__", "temperature", "job", "relay", "instance",
					"host-" + instance + ":9100", "site", new String[] { "zürich", "東京", "🚀", "\uFF21", "a\"b\\c" }[instance]),
					gauge));
		}
		List<Sample> special = new ArrayList<>();
		double[] values = { Double.NaN, StaleNaN.VALUE, Double.longBitsToDouble(0x7ff8000000000abcL),
				Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300,
				123456789.125 };
		for (int i = 0; i < Math.min(count, values.length); i++) {
			special.add(Sample.of(start + 1000L * i, values[i]));
		}
		series.add(new TestSeries(Labels.of("__name__", "special_values"), special));
		List<Sample> histograms = new ArrayList<>();
		List<Sample> custom = new ArrayList<>();
		List<Sample> gauges = new ArrayList<>();
		List<Sample> floats = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long t = start + 30_000L * i;
			// A reset every 40 samples, so that chunks are cut by resets as well as by size.
			int step = i % 40;
			histograms.add(Sample.of(t, TestHistograms.exponential(step, step == 0 ? ResetHint.YES : ResetHint.UNKNOWN)));
			custom.add(Sample.of(t, TestHistograms.customBuckets(i)));
			gauges.add(Sample.of(t, TestHistograms.exponential((i * 7) % 13, ResetHint.GAUGE)));
			floats.add(Sample.of(t, TestHistograms.exponentialFloat(i, ResetHint.UNKNOWN)));
		}
		histograms.add(Sample.of(start + 30_000L * count, Histogram.staleMarker()));
		floats.add(Sample.of(start + 30_000L * count, FloatHistogram.staleMarker()));
		series.add(new TestSeries(Labels.of("__name__", "latency_seconds", "job", "relay"), histograms));
		series.add(new TestSeries(Labels.of("__name__", "size_bytes", "job", "relay"), custom));
		series.add(new TestSeries(Labels.of("__name__", "queue_depth", "job", "relay"), gauges));
		series.add(new TestSeries(Labels.of("__name__", "duration_seconds", "job", "relay"), floats));
		return series;
	}

	/**
	 * What {@code written} reads back as, given what was read: a histogram that did not start its chunk
	 * reads back with the hint NO (see the chunk builders); nothing else may differ.
	 */
	public static List<Sample> asRead(List<Sample> written, List<Sample> read) {
		List<Sample> expected = new ArrayList<>();
		for (int i = 0; i < written.size(); i++) {
			Sample w = written.get(i);
			Sample r = (i < read.size()) ? read.get(i) : null;
			expected.add((r != null && !r.equals(w) && r.equals(insideAChunk(w))) ? r : w);
		}
		return expected;
	}

	private static Sample insideAChunk(Sample sample) {
		return switch (sample.type()) {
			case HISTOGRAM -> sample.histogram().isStale() || sample.histogram().isGauge() ? sample
					: Sample.of(sample.timestamp(), sample.histogram().withResetHint(ResetHint.NO));
			case FLOAT_HISTOGRAM -> sample.floatHistogram().isStale() || sample.floatHistogram().isGauge() ? sample
					: Sample.of(sample.timestamp(), sample.floatHistogram().withResetHint(ResetHint.NO));
			default -> sample;
		};
	}

}
