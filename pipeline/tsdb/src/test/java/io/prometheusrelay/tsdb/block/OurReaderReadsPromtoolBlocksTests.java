package io.prometheusrelay.tsdb.block;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cross-check of the reader: blocks written by Prometheus's own code ({@code promtool tsdb
 * create-blocks-from openmetrics}), read back by this engine.
 */
class OurReaderReadsPromtoolBlocksTests {

	/** 2026-01-01T00:00:00Z, in seconds as OpenMetrics has it. */
	private static final long START_SECONDS = 1_767_225_600L;

	@TempDir
	Path work;

	@Test
	void readsEverySampleOfBlocksPromtoolCreated() throws Exception {
		Map<Labels, List<Sample>> written = new LinkedHashMap<>();
		StringBuilder input = new StringBuilder("# TYPE http_requests counter\n");
		for (int code : new int[] { 200, 404, 500 }) {
			Labels labels = Labels.of("__name__", "http_requests_total", "code", Integer.toString(code), "path",
					"/api/ü/" + code);
			List<Sample> samples = new ArrayList<>();
			// Five hours at a 15 s step: promtool cuts 2 h blocks.
			for (int i = 0; i < 1200; i++) {
				long seconds = START_SECONDS + 15L * i;
				double value = code * 10.0 + i * (code / 100) + ((i % 9 == 0) ? 0.125 : 0);
				samples.add(Sample.of(seconds * 1000, value));
				input.append("http_requests_total{code=\"").append(code).append("\",path=\"/api/ü/").append(code)
					.append("\"} ").append(value).append(' ').append(seconds).append('\n');
			}
			written.put(labels, samples);
		}
		input.append("# TYPE temperature gauge\n");
		List<Sample> gauge = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			long seconds = START_SECONDS + 60L * i;
			double value = Math.sin(i / 7.0) * 30;
			gauge.add(Sample.of(seconds * 1000, value));
			input.append("temperature ").append(value).append(' ').append(seconds).append('\n');
		}
		written.put(Labels.of("__name__", "temperature"), gauge);
		input.append("# EOF\n");
		Path file = this.work.resolve("input.om");
		Files.writeString(file, input, StandardCharsets.UTF_8);
		Path blocks = Files.createDirectories(this.work.resolve("blocks"));

		PromtoolDump.run(this.work, "tsdb", "create-blocks-from", "openmetrics", file.toString(), blocks.toString());

		Map<Labels, List<Sample>> read = new LinkedHashMap<>();
		int blockCount = 0;
		try (Stream<Path> dirs = Files.list(blocks)) {
			for (Path dir : dirs.filter(path -> Ulid.parse(path.getFileName().toString()) != null).sorted().toList()) {
				Block block = Block.open(dir);
				blockCount++;
				TestBlocks.readAll(block).forEach((labels, samples) ->
						read.computeIfAbsent(labels, key -> new ArrayList<>()).addAll(samples));
			}
		}
		assertThat(blockCount).as("blocks of 2 h over 5 h").isGreaterThanOrEqualTo(3);
		for (List<Sample> samples : read.values()) {
			samples.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
		}
		assertThat(read).isEqualTo(written);
	}

}
