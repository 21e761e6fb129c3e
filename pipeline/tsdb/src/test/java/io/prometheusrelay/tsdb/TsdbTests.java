package io.prometheusrelay.tsdb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.block.LatestLink;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Matcher;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.StaleNaN;
import io.prometheusrelay.tsdb.model.TestHistograms;
import io.prometheusrelay.tsdb.model.WriteBatch;
import io.prometheusrelay.tsdb.query.LatestSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class TsdbTests {

	private static final long HOUR = 3_600_000L;

	private static final long START = 1_767_225_600_000L;

	@TempDir
	Path dataDir;

	private Tsdb open() throws Exception {
		return Tsdb.open(TsdbOptions.defaults(this.dataDir), Clock.systemUTC());
	}

	@Test
	void readsBackWhatWasAppended() throws Exception {
		try (Tsdb tsdb = open()) {
			Labels counter = Labels.of("__name__", "requests_total", "job", "a");
			Labels latency = Labels.of("__name__", "latency_seconds", "job", "a");
			Histogram h = TestHistograms.exponential(3, ResetHint.UNKNOWN);
			tsdb.append(TestBatches.of(counter, Sample.of(START, 1), Sample.of(START + 15_000, StaleNaN.VALUE))).get();
			tsdb.append(TestBatches.of(latency, Sample.of(START, h))).get();

			Map<Labels, List<Sample>> read = TestBatches.readAll(tsdb);
			assertThat(read).containsOnlyKeys(latency, counter);
			assertThat(read.get(counter)).containsExactly(Sample.of(START, 1), Sample.of(START + 15_000, StaleNaN.VALUE));
			assertThat(read.get(latency)).containsExactly(Sample.of(START, h));
			assertThat(TestBatches.read(tsdb.querier(START, START), List.of(Matcher.equal("__name__", "requests_total"))))
				.containsExactly(Map.entry(counter, List.of(Sample.of(START, 1))));
		}
	}

	@Test
	void aBatchHeldAlreadyIsNotStoredAgainEvenAfterARestart() throws Exception {
		WriteBatch batch = TestBatches.gauges("up", 3, START, 1);
		try (Tsdb tsdb = open()) {
			assertThat(tsdb.append(batch).get().duplicate()).isFalse();
			assertThat(tsdb.append(batch).get().duplicate()).isTrue();
		}
		try (Tsdb tsdb = open()) {
			assertThat(tsdb.holds(batch.id())).isTrue();
			assertThat(tsdb.append(batch).get().duplicate()).isTrue();
			assertThat(tsdb.metrics().samplesInOrder.sum()).isZero();
		}
	}

	@Test
	void replaysTheLogAndTheCheckpointOnRestart() throws Exception {
		List<WriteBatch> batches = new ArrayList<>();
		try (Tsdb tsdb = open()) {
			for (int i = 0; i < 50; i++) {
				WriteBatch batch = TestBatches.gauges("temperature", 20, START + 15_000L * i, i);
				batches.add(batch);
				tsdb.append(batch).get();
				if (i == 25) {
					tsdb.checkpointNow();
				}
			}
		}
		try (Tsdb tsdb = open()) {
			Map<Labels, List<Sample>> read = TestBatches.readAll(tsdb);
			assertThat(read).hasSize(20);
			assertThat(read.values()).allSatisfy(samples -> assertThat(samples).hasSize(50));
			assertThat(batches).allMatch(batch -> tsdb.holds(batch.id()));
			// The appends after the restart continue the series.
			tsdb.append(TestBatches.gauges("temperature", 20, START + 15_000L * 50, 50)).get();
			assertThat(TestBatches.readAll(tsdb).values()).allSatisfy(samples -> assertThat(samples).hasSize(51));
		}
	}

	@Test
	void keepsWhatEachSessionAppendsThroughRestartsWhoseCheckpointsLeftTheLogEmpty() throws Exception {
		// Each close checkpoints the head and deletes every log segment before the checkpoint: the next
		// session must number its records after that checkpoint, or a later start, taking the newest
		// checkpoint, replays nothing of it. Sessions append fewer batches each time, so that a
		// numbering started again from zero would end below the checkpoint before it.
		int minute = 0;
		for (int batches : new int[] { 10, 6, 3, 1 }) {
			int before = minute;
			try (Tsdb tsdb = open()) {
				assertThat(TestBatches.readAll(tsdb).values()).allSatisfy(samples -> assertThat(samples).hasSize(before));
				for (int i = 0; i < batches; i++, minute++) {
					tsdb.append(TestBatches.gauges("restarts", 3, START + 60_000L * minute, minute)).get();
				}
			}
		}
		try (Tsdb tsdb = open()) {
			assertThat(TestBatches.readAll(tsdb)).hasSize(3);
			assertThat(TestBatches.readAll(tsdb).values()).allSatisfy(samples -> assertThat(samples).hasSize(20));
		}
	}

	@Test
	void cutsBlocksFromTheHeadAndStillReadsEverything() throws Exception {
		List<WriteBatch> batches = new ArrayList<>();
		try (Tsdb tsdb = open()) {
			// Seven hours at a 60 s step: the head cuts the first 2 h ranges into blocks.
			for (int i = 0; i < 7 * 60; i++) {
				WriteBatch batch = TestBatches.gauges("cpu", 10, START + 60_000L * i, i);
				batches.add(batch);
				tsdb.append(batch).get();
			}
			tsdb.compactNow();
			assertThat(tsdb.blocks()).hasSizeGreaterThanOrEqualTo(2);
			assertThat(tsdb.head().minTime()).isGreaterThanOrEqualTo(START + 4 * HOUR);
			Map<Labels, List<Sample>> read = TestBatches.readAll(tsdb);
			assertThat(read.values()).allSatisfy(samples -> assertThat(samples).hasSize(7 * 60));
			Path latest = this.dataDir.resolve(LatestLink.NAME);
			assertThat(Files.isSymbolicLink(latest)).isTrue();
			assertThat(Files.readSymbolicLink(latest).toString())
				.isEqualTo(tsdb.blocks().stream().map(b -> b.meta().ulid()).max(String::compareTo).orElseThrow());
		}
		try (Tsdb tsdb = open()) {
			assertThat(TestBatches.readAll(tsdb).values()).allSatisfy(samples -> assertThat(samples).hasSize(7 * 60));
			assertThat(batches).allMatch(batch -> tsdb.holds(batch.id()));
			assertThat(tsdb.walBytes()).as("the log after the last checkpoint only").isLessThan(200_000);
		}
	}

	@Test
	void takesSamplesOlderThanItsBlocksAndMergesTheOverlap() throws Exception {
		Labels late = Labels.of("__name__", "cpu", "instance", "late");
		try (Tsdb tsdb = open()) {
			for (int i = 0; i < 7 * 60; i++) {
				tsdb.append(TestBatches.gauges("cpu", 2, START + 60_000L * i, i)).get();
			}
			tsdb.compactNow();
			int blocksBefore = tsdb.blocks().size();
			// A replica catching up receives samples from a range already in a block.
			List<Sample> old = new ArrayList<>();
			for (int i = 0; i < 30; i++) {
				old.add(Sample.of(START + 60_000L * i + 30_000, 1000 + i));
			}
			tsdb.append(TestBatches.of(Labels.of("__name__", "cpu", "instance", "i0"), old.toArray(Sample[]::new))).get();
			tsdb.append(TestBatches.of(late, old.toArray(Sample[]::new))).get();
			tsdb.compactNow();

			Map<Labels, List<Sample>> read = TestBatches.readAll(tsdb);
			assertThat(read.get(late)).containsExactlyElementsOf(old);
			assertThat(read.get(Labels.of("__name__", "cpu", "instance", "i0"))).hasSize(7 * 60 + 30);
			assertThat(read.get(Labels.of("__name__", "cpu", "instance", "i1"))).hasSize(7 * 60);
			noOverlap(tsdb.blocks());
			assertThat(tsdb.blocks().size()).isLessThanOrEqualTo(blocksBefore);
		}
	}

	@Test
	void oldSamplesTricklingInAreCutOnceTheyStopComingNotBatchByBatch() throws Exception {
		TsdbOptions options = TsdbOptions.defaults(this.dataDir).withBlockRange(Duration.ofSeconds(2));
		Labels late = Labels.of("__name__", "late", "instance", "a");
		try (Tsdb tsdb = Tsdb.open(options, Clock.systemUTC())) {
			for (int i = 0; i < 100; i++) {
				tsdb.append(TestBatches.gauges("live", 2, START + 100L * i, i)).get();
			}
			tsdb.compactNow();
			int blocks = tsdb.blocks().size();
			long cuts = tsdb.metrics().headCompactions.sum();
			assertThat(blocks).isPositive();
			// A replica catching up: samples for the first range, which has a block already, batch by batch.
			for (int i = 0; i < 5; i++) {
				tsdb.append(TestBatches.of(late, Sample.of(START + 10L * i, i))).get();
				tsdb.maintenanceRound();
				assertThat(tsdb.blocks()).as("nothing cut while they keep coming").hasSize(blocks);
			}
			// Quiet for longer than a round's interval (a quarter of the range): they are cut, once.
			Thread.sleep(600);
			tsdb.maintenanceRound();
			assertThat(tsdb.metrics().headCompactions.sum()).isEqualTo(cuts + 1);
			assertThat(TestBatches.readAll(tsdb).get(late)).hasSize(5);
			assertThat(tsdb.head().series(late)).as("left the head").isNull();
		}
	}

	@Test
	void retentionDeletesTheOldestBlocksByAge() throws Exception {
		TsdbOptions options = TsdbOptions.defaults(this.dataDir).withRetention(Duration.ofHours(5), Long.MAX_VALUE);
		try (Tsdb tsdb = Tsdb.open(options, Clock.systemUTC())) {
			for (int i = 0; i < 12 * 60; i += 5) {
				tsdb.append(TestBatches.gauges("mem", 3, START + 60_000L * i, i)).get();
			}
			tsdb.compactNow();
			long newest = START + 60_000L * (12 * 60 - 5);
			assertThat(tsdb.blocks()).allSatisfy(block -> assertThat(block.meta().maxTime()).isGreaterThan(newest - 5 * HOUR));
			assertThat(tsdb.metrics().retentionDeletionsAge.sum()).isPositive();
			assertThat(tsdb.retentionFloor()).isGreaterThan(START);
		}
	}

	@Test
	void latestIsTheNewestSampleOfEverySeriesWhetherInTheHeadOrOnlyInBlocks() throws Exception {
		Labels gone = Labels.of("__name__", "gone", "job", "a");
		Labels traced = Labels.of("__name__", "traced", "job", "a");
		Exemplar trace = new Exemplar(Labels.of("trace_id", "abc"), 2.5, START + 10);
		try (Tsdb tsdb = open()) {
			tsdb.append(TestBatches.of(gone, Sample.of(START, 1), Sample.of(START + 60_000, 2))).get();
			for (int i = 0; i < 6 * 60; i++) {
				tsdb.append(TestBatches.gauges("live", 2, START + 60_000L * i, i)).get();
			}
			tsdb.append(new WriteBatch(TestBatches.newId(),
					List.of(new SeriesWrite(traced, List.of(), List.of(trace), 0)))).get();
			tsdb.compactNow();
			assertThat(tsdb.head().series(gone)).as("left the head once compacted").isNull();

			Map<Labels, LatestSeries> latest = new java.util.LinkedHashMap<>();
			tsdb.querier(START + 5 * HOUR, Long.MAX_VALUE).selectLatest(List.of(Matcher.equal("job", "a")))
				.forEachRemaining(series -> latest.put(series.labels(), series));
			assertThat(latest).containsOnlyKeys(gone, traced);
			assertThat(latest.get(gone).sample()).isEqualTo(Sample.of(START + 60_000, 2));
			assertThat(latest.get(traced).sample()).isNull();
			assertThat(latest.get(traced).exemplar()).isEqualTo(trace);
			List<LatestSeries> live = new ArrayList<>();
			tsdb.querier(0, 0).selectLatest(List.of(Matcher.equal("__name__", "live"))).forEachRemaining(live::add);
			assertThat(live).extracting(series -> series.sample().timestamp())
				.containsOnly(START + 60_000L * (6 * 60 - 1));
		}
	}

	private static void noOverlap(List<Block> blocks) {
		for (int i = 1; i < blocks.size(); i++) {
			assertThat(blocks.get(i).minTime()).isGreaterThanOrEqualTo(blocks.get(i - 1).meta().maxTime());
		}
	}

}
