package io.prometheusrelay.tsdb;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.MetricMetadata;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.StaleNaN;
import io.prometheusrelay.tsdb.model.TestHistograms;
import io.prometheusrelay.tsdb.model.WriteBatch;
import io.prometheusrelay.tsdb.query.Querier;
import io.prometheusrelay.tsdb.query.SeriesChunks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind the pipeline carries, read back exactly from the head, after a restart (log replayed),
 * after a checkpoint, and after the head is cut into blocks: floats with NaN payloads and staleness
 * markers, integer, custom-bucket and float histograms, exemplars (with or without samples), created
 * timestamps and metadata.
 */
class EveryKindRoundTripTests {

	private static final long START = 1_767_225_600_000L;

	private static final Labels FLOATS = Labels.of("__name__", "requests_total", "job", "relay");

	private static final Labels HISTOGRAMS = Labels.of("__name__", "latency_seconds", "job", "relay");

	private static final Labels CUSTOM = Labels.of("__name__", "size_bytes", "job", "relay");

	private static final Labels FLOAT_HISTOGRAMS = Labels.of("__name__", "duration_seconds", "job", "relay");

	private static final Labels EXEMPLARS_ONLY = Labels.of("__name__", "traced_total", "job", "relay");

	private static final MetricMetadata METADATA = new MetricMetadata("requests", MetricMetadata.Type.COUNTER,
			"Requests served.", "");

	@TempDir
	Path dataDir;

	private final Map<Labels, List<Sample>> samples = new java.util.LinkedHashMap<>();

	private final List<Exemplar> exemplars = new ArrayList<>();

	@Test
	void everyKindReadsBackFromTheHeadAfterARestartAndFromBlocks() throws Exception {
		try (Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(this.dataDir), Clock.systemUTC())) {
			// Five hours, so that the first two-hour ranges are cut into blocks.
			for (int i = 0; i < 5 * 60; i++) {
				tsdb.append(batch(i)).get();
				if (i == 100) {
					tsdb.checkpointNow();
				}
			}
			assertEverything(tsdb, "from the head");
		}
		try (Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(this.dataDir), Clock.systemUTC())) {
			assertEverything(tsdb, "after a restart");
			tsdb.compactNow();
			assertThat(tsdb.blocks()).isNotEmpty();
			assertEverything(tsdb, "from blocks and the head");
		}
		try (Tsdb tsdb = Tsdb.open(TsdbOptions.defaults(this.dataDir), Clock.systemUTC())) {
			assertEverything(tsdb, "from blocks and the head after a restart");
		}
	}

	private WriteBatch batch(int i) {
		long t = START + 60_000L * i;
		double value = (i % 97 == 0) ? StaleNaN.VALUE : (i % 89 == 0) ? Double.longBitsToDouble(0x7ff8000000000bcdL) : i;
		// A counter restart at i = 150: its created timestamp changes there.
		long created = (i < 150) ? START - 3_600_000L : START + 60_000L * 150 - 1;
		Exemplar exemplar = new Exemplar(Labels.of("trace_id", "t" + i), i * 0.5, t);
		List<SeriesWrite> series = new ArrayList<>();
		series.add(write(FLOATS, Sample.of(t, value), (i % 10 == 0) ? List.of(exemplar) : List.of(), created));
		Histogram h = TestHistograms.exponential(i % 60, (i % 60 == 0) ? ResetHint.YES : ResetHint.UNKNOWN);
		series.add(write(HISTOGRAMS, Sample.of(t, h), List.of(), 0));
		series.add(write(CUSTOM, Sample.of(t, TestHistograms.customBuckets(i)), List.of(), 0));
		FloatHistogram fh = TestHistograms.exponentialFloat(i, ResetHint.UNKNOWN);
		series.add(write(FLOAT_HISTOGRAMS, Sample.of(t, fh), List.of(), 0));
		if (i % 30 == 0) {
			Exemplar alone = new Exemplar(Labels.of("trace_id", "alone" + i), 1, t);
			series.add(new SeriesWrite(EXEMPLARS_ONLY, List.of(), List.of(alone), 0));
			this.exemplars.add(alone);
		}
		return new WriteBatch(TestBatches.newId(), series, (i == 0) ? List.of(METADATA) : List.of());
	}

	private SeriesWrite write(Labels labels, Sample sample, List<Exemplar> exemplars, long created) {
		this.samples.computeIfAbsent(labels, key -> new ArrayList<>()).add(sample);
		this.exemplars.addAll(exemplars);
		return new SeriesWrite(labels, List.of(sample), exemplars, created);
	}

	private void assertEverything(Tsdb tsdb, String when) {
		Querier querier = tsdb.querier(Long.MIN_VALUE, Long.MAX_VALUE);
		Map<Labels, List<Sample>> read = TestBatches.read(querier, List.of());
		assertThat(read.keySet()).as(when).containsExactlyInAnyOrderElementsOf(
				List.of(FLOATS, HISTOGRAMS, CUSTOM, FLOAT_HISTOGRAMS, EXEMPLARS_ONLY));
		for (Map.Entry<Labels, List<Sample>> written : this.samples.entrySet()) {
			List<Sample> back = read.get(written.getKey());
			assertThat(back).as("%s %s", written.getKey(), when)
				.isEqualTo(io.prometheusrelay.tsdb.block.TestBlocks.asRead(written.getValue(), back));
		}
		List<Exemplar> exemplarsRead = new ArrayList<>();
		querier.select(List.of()).forEachRemaining((SeriesChunks series) -> {
			exemplarsRead.addAll(series.exemplars());
			if (series.labels().equals(FLOATS)) {
				assertThat(series.createdTimestampAt(START + 60_000L * 149)).as(when).isEqualTo(START - 3_600_000L);
				assertThat(series.createdTimestampAt(START + 60_000L * 150)).as(when).isEqualTo(START + 60_000L * 150 - 1);
				assertThat(series.createdTimestampAt(START + 60_000L * 299)).as(when).isEqualTo(START + 60_000L * 150 - 1);
			}
		});
		assertThat(exemplarsRead).as("exemplars %s", when).containsExactlyInAnyOrderElementsOf(this.exemplars);
		assertThat(tsdb.head().metadata("requests")).as(when).isEqualTo(METADATA);
	}

}
