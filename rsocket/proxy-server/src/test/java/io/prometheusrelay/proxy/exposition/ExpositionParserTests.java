package io.prometheusrelay.proxy.exposition;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.rsocket.wire.ScrapeRejectedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ExpositionParserTests {

	private static final List<Map.Entry<String, String>> INSTANCE = List.of(Map.entry("instance", "app-1"));

	@Test
	void keepsTheLinesOfAFamilyTheClientInterleavedWithAnother() {
		ClientScrape scrape = ExpositionParser.parse("""
				# TYPE a gauge
				a{x="1"} 1
				# TYPE b gauge
				b 2
				# TYPE a gauge
				a{x="2"} 3
				""", INSTANCE, 100);
		FamilyLines a = scrape.families().get("a");
		assertThat(a.lines()).isEqualTo(2);
		assertThat(a.runs()).isEqualTo(2);
		MergedExposition merged = new MergedExposition(false);
		merged.add(scrape);
		ByteSink out = new ByteSink(64);
		merged.writeTo(out);
		assertThat(new String(out.take(), StandardCharsets.UTF_8)).isEqualTo("""
				# TYPE a gauge
				a{x="1",instance="app-1"} 1
				a{x="2",instance="app-1"} 3
				# TYPE b gauge
				b{instance="app-1"} 2
				""");
	}

	@Test
	void groupsSamplesIntoTheirFamiliesByTypeSuffixes() {
		ClientScrape scrape = ExpositionParser.parse("""
				# HELP latency Request latency.
				# TYPE latency histogram
				latency_bucket{le="0.1"} 3
				latency_bucket{le="+Inf"} 4
				latency_sum 0.7
				latency_count 4
				# TYPE rpc summary
				rpc{quantile="0.5"} 0.2
				rpc_sum 1.0
				rpc_count 5
				# TYPE requests counter
				requests_total 12
				stray_metric 1
				""", INSTANCE, 100);
		assertThat(scrape.families()).containsOnlyKeys("latency", "rpc", "requests", "stray_metric");
		assertThat(scrape.families().get("latency").lines()).isEqualTo(4);
		assertThat(scrape.families().get("rpc").lines()).isEqualTo(3);
		assertThat(scrape.families().get("requests").lines()).isEqualTo(1);
		assertThat(scrape.families().get("stray_metric").type).isEqualTo("untyped");
		FamilyLines latency = scrape.families().get("latency");
		assertThat(new String(scrape.text(), latency.helpStart, latency.helpEnd - latency.helpStart,
				StandardCharsets.UTF_8)).isEqualTo("Request latency.");
		assertThat(scrape.series()).isEqualTo(9);
	}

	@Test
	void readsEscapedLabelValuesAndTimestamps() {
		ClientScrape scrape = ExpositionParser.parse("a{path=\"/x}\\\"y\\\\\",instance=\"mine\"} 1.5e3 1700000000000\n",
				INSTANCE, 100);
		FamilyLines family = scrape.families().get("a");
		assertThat(family.lines()).isEqualTo(1);
		int line = family.runFrom(0);
		assertThat(scrape.lines().presentIdentity(line)).isEqualTo(1);
		assertThat(scrape.text()[scrape.lines().closeBrace(line)]).isEqualTo((byte) '}');
		assertThat(new String(scrape.text(), StandardCharsets.UTF_8).substring(scrape.lines().closeBrace(line)))
			.startsWith("} 1.5e3");
	}

	@Test
	void leavesOutAndCountsLinesThatAreNotSamples() {
		ClientScrape scrape = ExpositionParser.parse("""
				ok 1
				bad{label} 1
				bad{label="unterminated} 1
				bad{1abel="x"} 1
				bad 0x10
				bad 1 2 3
				bad one
				{"utf8.name"} 1
				also_ok{a="b",} NaN
				""", INSTANCE, 100);
		assertThat(scrape.families()).containsOnlyKeys("ok", "also_ok");
		assertThat(scrape.droppedLines()).isEqualTo(7);
	}

	@Test
	void refusesAScrapeWithTooManySeries() {
		assertThatExceptionOfType(ScrapeRejectedException.class)
			.isThrownBy(() -> ExpositionParser.parse("a 1\nb 2\nc 3\n", INSTANCE, 2))
			.satisfies(ex -> assertThat(ex.reasonTag()).isEqualTo("too_many_series"));
	}

	@Test
	void acceptsTheValuesPrometheusReadsAndNoOthers() {
		List<String> valid = List.of("1", "-1.5e-3", ".5", "5.", "+Inf", "-inf", "Infinity", "NaN", "1E10", "0");
		List<String> invalid = List.of("1e", ".", "e5", "1.2.3", "0x10", "1f", "--1", "+NaN", "1,5", "");
		for (String value : valid) {
			assertThat(ExpositionParser.parse("m " + value + "\n", INSTANCE, 10).series()).as(value).isEqualTo(1);
		}
		for (String value : invalid) {
			assertThat(ExpositionParser.parse("m " + value + "\n", INSTANCE, 10).series()).as(value).isZero();
		}
	}

	@Test
	void seesEveryIdentityLabelALineHasBeyondTheEighth() {
		List<Map.Entry<String, String>> identity = new java.util.ArrayList<>();
		for (int i = 0; i < 17; i++) {
			identity.add(Map.entry("l" + i, "v"));
		}
		ClientScrape scrape = ExpositionParser.parse("m{l16=\"mine\",l9=\"mine\"} 1\n", identity, 10);
		assertThat(scrape.lines().presentIdentity(0)).isEqualTo((1 << 16) | (1 << 9));
	}

	@Test
	void readsOnlyTheTextInAReusedBufferAndHandsTheBufferBack() {
		byte[] buffer = "up 1\nstale_from_the_last_scrape 2\n".getBytes(StandardCharsets.UTF_8);
		ScrapeBuffers buffers = new ScrapeBuffers();
		java.util.concurrent.atomic.AtomicReference<ScrapeBuffers> recycled = new java.util.concurrent.atomic.AtomicReference<>();
		ClientScrape scrape = ExpositionParser.parse(buffer, 5, buffers, recycled::set, INSTANCE, 10);
		assertThat(scrape.families()).containsOnlyKeys("up");
		MergedExposition merged = new MergedExposition(false);
		merged.add(scrape);
		merged.release();
		assertThat(recycled.get()).isSameAs(buffers);
	}

	@Test
	void findsLineEndsAcrossCrLfBlankLinesAndUnterminatedQuotes() {
		ClientScrape scrape = ExpositionParser.parse("a{x=\"unterminated} 1\nb 2\r\n\r\n\nc{y=\"1\"} 3 17\r\nd 4", INSTANCE, 10);
		assertThat(scrape.families()).containsOnlyKeys("b", "c", "d");
		assertThat(scrape.droppedLines()).isEqualTo(1);
		MergedExposition merged = new MergedExposition(false);
		merged.add(scrape);
		ByteSink out = new ByteSink(64);
		merged.writeTo(out);
		assertThat(new String(out.take(), StandardCharsets.UTF_8)).isEqualTo("""
				# TYPE b untyped
				b{instance="app-1"} 2
				# TYPE c untyped
				c{y="1",instance="app-1"} 3 17
				# TYPE d untyped
				d{instance="app-1"} 4
				""");
	}

	@Test
	void reusesAClientsFamiliesFromScrapeToScrapeAsTheyComeAndGo() {
		ScrapeBuffers buffers = new ScrapeBuffers();
		ClientScrape first = parse(buffers, "# TYPE a counter\na_total 1\n# TYPE b gauge\nb 2\n# TYPE c gauge\nc 3\n");
		FamilyLines a = first.families().get("a");
		assertThat(first.families()).containsOnlyKeys("a", "b", "c");
		ClientScrape second = parse(buffers, "# TYPE a counter\na_total 4\n# TYPE new gauge\nnew 5\n# TYPE c gauge\nc 6\n");
		assertThat(second.families()).containsOnlyKeys("a", "new", "c");
		assertThat(second.families().get("a")).isSameAs(a);
		assertThat(second.families().get("a").lines()).isEqualTo(1);
		ClientScrape third = parse(buffers, "# TYPE c untyped\nc 7\n# TYPE a counter\na_total 8\n");
		assertThat(third.families()).containsOnlyKeys("c", "a");
		assertThat(third.families().get("c").type).isEqualTo("untyped");
		assertThat(third.series()).isEqualTo(2);
	}

	private static ClientScrape parse(ScrapeBuffers buffers, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		return ExpositionParser.parse(bytes, bytes.length, buffers, null, INSTANCE, 100);
	}

}
