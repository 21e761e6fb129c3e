package io.prometheusrelay.tsdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.prometheusrelay.tsdb.head.HeadSeries;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesKey;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes that bring their series' {@link SeriesKey}: the engine finds the series by it and decodes
 * the labels only for a series it does not know by that key, and a key never leads to a series the
 * head has let go.
 */
class KeyedWritesTests {

	private static final long START = 1_767_225_600_000L;

	@TempDir
	Path dataDir;

	/** Decodes this test's keys (a label set's text) and counts how often it is asked to. */
	private final Map<String, Labels> byText = new ConcurrentHashMap<>();

	private final AtomicInteger decodes = new AtomicInteger();

	private Tsdb open() throws Exception {
		return Tsdb.open(TsdbOptions.defaults(this.dataDir), Clock.systemUTC());
	}

	@Test
	void decodesTheLabelsOfASeriesOnceAndThenFindsItByItsKey() throws Exception {
		Labels up = Labels.of("__name__", "up", "job", "a");
		try (Tsdb tsdb = open()) {
			for (int i = 0; i < 5; i++) {
				tsdb.append(batch(keyed(up, Sample.of(START + 15_000L * i, i)))).get();
			}
			assertThat(this.decodes).hasValue(1);
			assertThat(tsdb.headSeries()).isEqualTo(1);
			assertThat(TestBatches.readAll(tsdb).get(up)).hasSize(5);
		}
	}

	@Test
	void aNewSeriesTwiceInOneBatchIsCreatedOnceAndHoldsBothSamples() throws Exception {
		Labels up = Labels.of("__name__", "up", "job", "a");
		Labels down = Labels.of("__name__", "down", "job", "a");
		try (Tsdb tsdb = open()) {
			tsdb.append(batch(keyed(up, Sample.of(START, 1)), keyed(down, Sample.of(START, 9)),
					keyed(up, Sample.of(START + 15_000, 2)))).get();
			tsdb.append(batch(keyed(up, Sample.of(START + 30_000, 3)))).get();
			assertThat(tsdb.headSeries()).isEqualTo(2);
			assertThat(TestBatches.readAll(tsdb).get(up)).hasSize(3);
			assertThat(this.decodes).as("each series' labels decoded once").hasValue(2);
		}
	}

	@Test
	void aWriteFoundByItsKeyCarriesTheLabelsOfItsSeries() throws Exception {
		Labels up = Labels.of("__name__", "up", "job", "a");
		try (Tsdb tsdb = open()) {
			tsdb.append(batch(keyed(up, Sample.of(START, 1)))).get();
			SeriesWrite second = keyed(up, Sample.of(START + 15_000, 2));
			tsdb.append(batch(second)).get();
			assertThat(this.decodes).hasValue(1);
			assertThat(second.labels()).isEqualTo(up);
			assertThat(this.decodes).as("the labels came from the head's series").hasValue(1);
		}
	}

	@Test
	void aSeriesReplayedFromTheLogLearnsItsKeyFromTheFirstWriteThatHasOne() throws Exception {
		Labels up = Labels.of("__name__", "up", "job", "a");
		try (Tsdb tsdb = open()) {
			tsdb.append(TestBatches.of(up, Sample.of(START, 1))).get();
		}
		try (Tsdb tsdb = open()) {
			tsdb.append(batch(keyed(up, Sample.of(START + 15_000, 2)))).get();
			tsdb.append(batch(keyed(up, Sample.of(START + 30_000, 3)))).get();
			assertThat(this.decodes).hasValue(1);
			assertThat(tsdb.headSeries()).isEqualTo(1);
			assertThat(TestBatches.readAll(tsdb).get(up)).extracting(Sample::value).containsExactly(1.0, 2.0, 3.0);
		}
	}

	@Test
	void aKeyDoesNotLeadToASeriesTheHeadLetGoAfterCompaction() throws Exception {
		Labels gone = Labels.of("__name__", "gone_for_a_while", "job", "a");
		try (Tsdb tsdb = open()) {
			tsdb.append(batch(keyed(gone, Sample.of(START, 1)))).get();
			// Seven hours of another series: the first ranges are cut into blocks, and with them all
			// that the first series held.
			for (int i = 0; i < 7 * 60; i++) {
				tsdb.append(TestBatches.gauges("cpu", 1, START + 60_000L * i, i)).get();
			}
			tsdb.compactNow();
			assertThat(tsdb.head().allSeries()).extracting(HeadSeries::labels).doesNotContain(gone);
			long back = START + 7 * 3_600_000L;
			tsdb.append(batch(keyed(gone, Sample.of(back, 2)))).get();
			assertThat(this.decodes).as("decoded again for the new series").hasValue(2);
			assertThat(TestBatches.readAll(tsdb).get(gone)).containsExactly(Sample.of(START, 1), Sample.of(back, 2));
		}
	}

	@Test
	void seriesWhoseKeysShareAPrefixStayApart() throws Exception {
		List<SeriesWrite> writes = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			writes.add(keyed(Labels.of("__name__", "m", "instance", "host-" + i), Sample.of(START, i)));
		}
		try (Tsdb tsdb = open()) {
			tsdb.append(batch(writes.toArray(SeriesWrite[]::new))).get();
			for (int i = 0; i < 1000; i++) {
				tsdb.append(batch(keyed(Labels.of("__name__", "m", "instance", "host-" + i), Sample.of(START + 15_000,
						i)))).get();
			}
			assertThat(tsdb.headSeries()).isEqualTo(1000);
			Map<Labels, List<Sample>> read = TestBatches.readAll(tsdb);
			for (int i = 0; i < 1000; i++) {
				assertThat(read.get(Labels.of("__name__", "m", "instance", "host-" + i)))
					.containsExactly(Sample.of(START, i), Sample.of(START + 15_000, i));
			}
		}
	}

	/** A write keyed by the labels' text, in an array of its own with bytes around it, as in a request. */
	private SeriesWrite keyed(Labels labels, Sample sample) {
		String text = labels.toString();
		this.byText.put(text, labels);
		byte[] key = text.getBytes(StandardCharsets.UTF_8);
		byte[] request = new byte[key.length + 7];
		System.arraycopy(key, 0, request, 3, key.length);
		return SeriesWrite.keyed(new SeriesKey(request, 3, key.length), this::decode, List.of(sample), List.of(), 0);
	}

	private Labels decode(SeriesKey key) {
		this.decodes.incrementAndGet();
		return this.byText.get(new String(key.bytes(), key.offset(), key.length(), StandardCharsets.UTF_8));
	}

	private static WriteBatch batch(SeriesWrite... series) {
		return new WriteBatch(TestBatches.newId(), List.of(series));
	}

}
