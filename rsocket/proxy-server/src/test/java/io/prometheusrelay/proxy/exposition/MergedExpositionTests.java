package io.prometheusrelay.proxy.exposition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.testsupport.Promtool;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MergedExpositionTests {

	@Test
	void writesEachFamilyOnceWithItsSamplesTogetherAndEachClientsIdentity() throws IOException {
		MergedExposition merged = new MergedExposition(false);
		merged.add(scrape("app-1", """
				# HELP up Whether up.
				# TYPE up gauge
				up 1
				# TYPE jobs counter
				jobs_total{queue="a"} 3
				"""));
		merged.add(scrape("app-2", """
				# HELP up Another help text.
				# TYPE up gauge
				up{instance="explicit"} 0
				# TYPE jobs counter
				jobs_total{} 5
				"""));
		assertThat(write(merged)).isEqualTo("""
				# HELP up Whether up.
				# TYPE up gauge
				up{instance="app-1"} 1
				up{exported_instance="explicit",instance="app-2"} 0
				# TYPE jobs counter
				jobs_total{queue="a",instance="app-1"} 3
				jobs_total{instance="app-2"} 5
				""");
	}

	@Test
	void exportsAClientsOwnIdentityLabelsAsPrometheusDoesWithoutHonorLabels() throws Exception {
		MergedExposition merged = new MergedExposition(false);
		List<Map.Entry<String, String>> identity = List.of(Map.entry("job", "orders"), Map.entry("instance", "b"));
		merged.add(ExpositionParser.parse("""
				# HELP up Up.
				# TYPE up gauge
				up{instance="c"} 1
				up{ job="billing" , instance="c",} 2
				up{instance="c",exported_instance="older",zone="x\\"y"} 3 1700000000000
				up{zone="plain"} 4
				up{job="orders",instance="c"} 5
				""", identity, 10));
		String exposition = write(merged);
		assertThat(exposition).isEqualTo("""
				# HELP up Up.
				# TYPE up gauge
				up{exported_instance="c",job="orders",instance="b"} 1
				up{exported_job="billing",exported_instance="c",job="orders",instance="b"} 2
				up{exported_exported_instance="c",exported_instance="older",zone="x\\"y",job="orders",instance="b"} 3 1700000000000
				up{zone="plain",job="orders",instance="b"} 4
				up{job="orders",exported_instance="c",instance="b"} 5
				""");
		assertThat(Promtool.problems(exposition)).isEmpty();
	}

	@Test
	void keepsAClientsOwnIdentityLabelsWhenTheyAreHonoured() {
		MergedExposition merged = new MergedExposition(true);
		merged.add(scrape("app-2", "up{instance=\"explicit\"} 0\nup 1\n"));
		assertThat(write(merged)).isEqualTo("""
				# TYPE up untyped
				up{instance="explicit"} 0
				up{instance="app-2"} 1
				""");
	}

	@Test
	void leavesOutAndCountsAFamilyWhoseTypeConflicts() throws IOException {
		MergedExposition merged = new MergedExposition(false);
		merged.add(scrape("app-1", "# TYPE x gauge\nx 1\n"));
		merged.add(scrape("app-2", "# TYPE x counter\nx 2\n"));
		assertThat(write(merged)).isEqualTo("# TYPE x gauge\nx{instance=\"app-1\"} 1\n");
		assertThat(merged.conflictingSeries()).isEqualTo(1);
	}

	@Test
	void twoHundredMicrometerScrapesMergeIntoOneExpositionPromtoolAccepts() throws Exception {
		MergedExposition merged = new MergedExposition(false);
		StringBuilder concatenated = new StringBuilder();
		int series = 0;
		for (int app = 0; app < 200; app++) {
			String text = micrometerScrape(app);
			concatenated.append(text).append('\n');
			ClientScrape scrape = scrape("app-" + app + ":8080", text);
			assertThat(scrape.droppedLines()).isZero();
			series += scrape.series();
			merged.add(scrape);
		}
		String exposition = write(merged);
		assertThat(exposition.lines().filter(line -> !line.startsWith("#")).count()).isEqualTo(series);
		assertThat(exposition.lines().filter(line -> line.startsWith("# HELP http_server_requests_seconds ")).count())
			.isEqualTo(1);
		assertThat(Promtool.problems(exposition)).as("merged exposition").isEmpty();
		assertThat(Promtool.problems(concatenated.toString())).as("what concatenating scrapes gives").isNotEmpty();
	}

	/** A real registry's scrape: the meters a Boot app has, some only in some apps. */
	private static String micrometerScrape(int app) {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		for (String uri : List.of("/", "/orders", "/orders/{id}")) {
			Timer timer = Timer.builder("http.server.requests")
				.description("Duration of HTTP server request handling")
				.tag("uri", uri)
				.tag("status", "200")
				.publishPercentileHistogram()
				.register(registry);
			timer.record(Duration.ofMillis(5 + app % 50));
		}
		Counter.builder("jobs.processed")
			.description("Jobs processed")
			.tag("queue", "q" + (app % 3))
			.register(registry)
			.increment(app);
		Gauge.builder("queue.depth", () -> app % 7).description("Jobs waiting").register(registry);
		if (app % 2 == 0) {
			DistributionSummary.builder("payload.size")
				.description("Size of request payloads")
				.baseUnit("bytes")
				.register(registry)
				.record(100 + app);
		}
		return registry.scrape();
	}

	private static ClientScrape scrape(String instance, String text) {
		return ExpositionParser.parse(text, List.of(Map.entry("instance", instance)),
				100_000);
	}

	private static String write(MergedExposition merged) {
		ByteSink out = new ByteSink(1024);
		merged.writeTo(out);
		return new String(out.take(), StandardCharsets.UTF_8);
	}

}
