package io.prometheusrelay.tsdb.block;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.tsdb.block.TestBlocks.TestSeries;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class BlockRoundTripTests {

	private static final long START = 1_767_225_600_000L;

	@TempDir
	Path dataDir;

	@Test
	void readsBackEverySeriesAndSampleWritten() throws Exception {
		List<TestSeries> series = TestBlocks.mixedSeries(START, 500);
		BlockMeta meta = TestBlocks.write(this.dataDir, START, START + 86_400_000L, series);

		Block block = Block.open(this.dataDir.resolve(meta.ulid()));
		Map<Labels, List<Sample>> read = TestBlocks.readAll(block);

		assertThat(read.keySet()).containsExactlyElementsOf(series.stream().map(TestSeries::labels).sorted().toList());
		for (TestSeries each : series) {
			List<Sample> back = read.get(each.labels());
			assertThat(back).as("%s", each.labels()).isEqualTo(TestBlocks.asRead(each.samples(), back));
		}
		assertThat(block.meta().stats().numSeries()).isEqualTo(series.size());
		assertThat(block.meta().stats().numSamples())
			.isEqualTo(series.stream().mapToLong(s -> s.samples().size()).sum());
	}

	@Test
	void findsSeriesByTheirLabelPairs() throws Exception {
		List<TestSeries> series = TestBlocks.mixedSeries(START, 10);
		BlockMeta meta = TestBlocks.write(this.dataDir, START, START + 3_600_000L, series);
		Block block = Block.open(this.dataDir.resolve(meta.ulid()));

		assertThat(block.index().postings("__name__", "requests_total").size()).isEqualTo(5);
		assertThat(block.index().postings("instance", "host-2:9100").size()).isEqualTo(2);
		assertThat(block.index().postings("site", "🚀").size()).isEqualTo(1);
		assertThat(block.index().postings("site", "nowhere").size()).isZero();
		assertThat(block.index().postings("nope", "x").size()).isZero();
		assertThat(block.index().labelValues("site")).containsExactly("a\"b\\c", "zürich", "東京", "\uFF21", "🚀");
		assertThat(block.index().labelNames()).containsExactly("__name__", "instance", "job", "site");
	}

	@Test
	void leavesNoTemporaryDirectoryBehind() throws Exception {
		TestBlocks.write(this.dataDir, START, START + 3_600_000L, TestBlocks.mixedSeries(START, 10));
		try (var entries = Files.list(this.dataDir)) {
			assertThat(entries.map(path -> path.getFileName().toString()))
				.allMatch(name -> Ulid.parse(name) != null);
		}
	}

}
