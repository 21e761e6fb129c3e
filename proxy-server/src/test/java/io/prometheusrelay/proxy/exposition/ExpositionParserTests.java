package io.prometheusrelay.proxy.exposition;

import java.util.List;
import java.util.Map;

import io.prometheusrelay.rsocket.wire.ScrapeRejectedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ExpositionParserTests {

	private static final List<Map.Entry<String, String>> INSTANCE = List.of(Map.entry("instance", "app-1"));

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
		assertThat(scrape.families().get("latency").help).isEqualTo("Request latency.");
		assertThat(scrape.series()).isEqualTo(9);
	}

	@Test
	void readsEscapedLabelValuesAndTimestamps() {
		ClientScrape scrape = ExpositionParser.parse("a{path=\"/x}\\\"y\\\\\",instance=\"mine\"} 1.5e3 1700000000000\n",
				INSTANCE, 100);
		FamilyLines family = scrape.families().get("a");
		assertThat(family.lines()).isEqualTo(1);
		assertThat(family.presentIdentity(0)).isEqualTo(1);
		assertThat(scrape.text().charAt(family.closeBrace(0))).isEqualTo('}');
		assertThat(scrape.text().substring(family.closeBrace(0))).startsWith("} 1.5e3");
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

}
