package io.prometheusrelay.tsdb.head;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesKey;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The head's table of series by key: found one at a time and a batch at a time, through growth, slot
 * collisions and equal hashes, and after series are dropped.
 */
class SeriesKeyTableTests {

	private final SeriesKeyTable table = new SeriesKeyTable();

	@Test
	void findsEveryKeyItHoldsThroughGrowthAndNoneItDoesNot() {
		Map<String, HeadSeries> held = new HashMap<>();
		for (int i = 0; i < 10_000; i++) {
			String text = "series-" + i;
			HeadSeries series = series(i + 1);
			this.table.put(key(text), series);
			held.put(text, series);
		}
		assertThat(this.table.size()).isEqualTo(10_000);
		held.forEach((text, series) -> assertThat(this.table.get(key(text))).isSameAs(series));
		assertThat(this.table.get(key("series-10000"))).isNull();
		assertThat(this.table.get(key("series-"))).isNull();
	}

	@Test
	void findsABatchInGroupsWritesWithoutAKeyOrWithAnUnknownOneGetNull() {
		List<SeriesWrite> writes = new ArrayList<>();
		List<HeadSeries> expected = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			HeadSeries series = series(i + 1);
			this.table.put(key("s" + i), series);
			if (i % 3 == 0) {
				writes.add(new SeriesWrite(Labels.of("__name__", "plain" + i), List.of(Sample.of(1, i))));
				expected.add(null);
			}
			else if (i % 3 == 1) {
				writes.add(keyed("unknown" + i));
				expected.add(null);
			}
			else {
				writes.add(keyed("s" + i));
				expected.add(series);
			}
		}
		HeadSeries[] found = new HeadSeries[writes.size()];
		this.table.find(writes, found);
		assertThat(found).containsExactlyElementsOf(expected);
	}

	@Test
	void aKeyPutAgainLeadsToItsNewSeries() {
		this.table.put(key("a"), series(1));
		HeadSeries again = series(2);
		this.table.put(key("a"), again);
		assertThat(this.table.size()).isEqualTo(1);
		assertThat(this.table.get(key("a"))).isSameAs(again);
	}

	@Test
	void keysWithTheSameHashStayApart() {
		SeriesKey[] pair = twoKeysWithTheSameHash();
		HeadSeries first = series(1);
		HeadSeries second = series(2);
		this.table.put(pair[0], first);
		assertThat(this.table.get(pair[1])).isNull();
		this.table.put(pair[1], second);
		assertThat(this.table.get(pair[0])).isSameAs(first);
		assertThat(this.table.get(pair[1])).isSameAs(second);
		// In a batch, the second key's slot holds the first at the matching hash: the probe goes past it.
		List<SeriesWrite> writes = List.of(write(pair[1]), write(pair[0]));
		HeadSeries[] found = new HeadSeries[2];
		this.table.find(writes, found);
		assertThat(found).containsExactly(second, first);
	}

	@Test
	void dropsTheSeriesItIsToldToAndKeepsFindingTheRest() {
		List<HeadSeries> all = new ArrayList<>();
		for (int i = 0; i < 5_000; i++) {
			HeadSeries series = series(i + 1);
			this.table.put(key("k" + i), series);
			all.add(series);
		}
		this.table.removeIf(series -> series.ref() % 2 == 0);
		assertThat(this.table.size()).isEqualTo(2_500);
		for (int i = 0; i < 5_000; i++) {
			HeadSeries found = this.table.get(key("k" + i));
			assertThat(found).isSameAs(((i + 1) % 2 == 0) ? null : all.get(i));
		}
	}

	@Test
	void holdsKeysLongerThanAPageBesideShortOnesThroughDropsAndGrowth() {
		List<String> texts = new ArrayList<>();
		for (int i = 0; i < 3_000; i++) {
			texts.add((i % 500 == 7) ? "long-" + i + "-" + "x".repeat(SeriesKeyTable.PAGE_BYTES) : "short-" + i);
			this.table.put(key(texts.get(i)), series(i + 1));
		}
		this.table.removeIf(series -> series.ref() % 3 == 0);
		for (int i = 3_000; i < 6_000; i++) {
			texts.add("after-" + i);
			this.table.put(key(texts.get(i)), series(i + 1));
		}
		List<SeriesWrite> writes = new ArrayList<>();
		texts.forEach(text -> writes.add(keyed(text)));
		HeadSeries[] batch = new HeadSeries[writes.size()];
		this.table.find(writes, batch);
		for (int i = 0; i < texts.size(); i++) {
			HeadSeries found = this.table.get(key(texts.get(i)));
			boolean dropped = i < 3_000 && (i + 1) % 3 == 0;
			assertThat(found).as("series %d", i + 1).isSameAs(batch[i]);
			assertThat((found != null) ? found.ref() : null).as("series %d", i + 1).isEqualTo(dropped ? null : i + 1);
		}
		assertThat(this.table.size()).isEqualTo(6_000 - 1_000);
	}

	@Test
	void aKeyIsNeverEmpty() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SeriesKey(new byte[4], 2, 0))
			.withMessage("A series key has at least one byte");
	}

	/** Found by brute force: 32-bit hashes of 200,000 keys collide with near certainty. */
	private static SeriesKey[] twoKeysWithTheSameHash() {
		Map<Integer, SeriesKey> byHash = new HashMap<>();
		for (int i = 0;; i++) {
			SeriesKey key = key("collide-" + i);
			SeriesKey other = byHash.putIfAbsent(key.hashCode(), key);
			if (other != null) {
				return new SeriesKey[] { other, key };
			}
		}
	}

	private static SeriesWrite keyed(String text) {
		return write(key(text));
	}

	private static SeriesWrite write(SeriesKey key) {
		return SeriesWrite.keyed(key, k -> Labels.of("__name__", "decoded"), List.of(Sample.of(1, 1)), List.of(), 0);
	}

	/** A key inside a larger array, as a request's series are. */
	private static SeriesKey key(String text) {
		byte[] bytes = ("<" + text + ">").getBytes(StandardCharsets.UTF_8);
		return new SeriesKey(bytes, 1, bytes.length - 2);
	}

	private static HeadSeries series(int ref) {
		return new HeadSeries(ref, Labels.of("__name__", "s" + ref), 7_200_000);
	}

}
