package io.prometheusrelay.protocol.remotewrite;

import java.util.List;

import io.prometheusrelay.protocol.remotewrite.v2.Request;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/** Remote-write 2.0 requests in the pipeline's encoding, and the symbols table's rules and limits. */
class RemoteWriteV2TranslatorTests {

	private static final List<String> SYMBOLS = List.of("", "__name__", "request_seconds", "job", "api", "trace_id",
			"abc", "Time to answer.", "seconds");

	private final RemoteWriteV2Translator translator = new RemoteWriteV2Translator(100, 64, 1 << 20);

	@Test
	void resolvesLabelsKeepsSamplesHistogramsAndExemplarsAndMakesTheFamilysMetadata() throws Exception {
		io.prometheusrelay.protocol.remotewrite.v2.Histogram histogram = io.prometheusrelay.protocol.remotewrite.v2.Histogram
			.newBuilder()
			.setCountInt(2)
			.setSum(0.5)
			.setSchema(-53)
			.addPositiveSpans(io.prometheusrelay.protocol.remotewrite.v2.BucketSpan.newBuilder().setLength(2))
			.addAllPositiveDeltas(List.of(1L, 0L))
			.addCustomValues(0.25)
			.setTimestamp(1000)
			.build();
		Request request = Request.newBuilder()
			.addAllSymbols(SYMBOLS)
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(1, 2, 3, 4))
				.addHistograms(histogram)
				.addExemplars(io.prometheusrelay.protocol.remotewrite.v2.Exemplar.newBuilder()
					.addAllLabelsRefs(List.of(5, 6))
					.setValue(0.3)
					.setTimestamp(990))
				.setMetadata(io.prometheusrelay.protocol.remotewrite.v2.Metadata.newBuilder()
					.setType(io.prometheusrelay.protocol.remotewrite.v2.Metadata.MetricType.METRIC_TYPE_HISTOGRAM)
					.setHelpRef(7)
					.setUnitRef(8))
				.setCreatedTimestamp(500))
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(1, 2, 3, 4))
				.addSamples(io.prometheusrelay.protocol.remotewrite.v2.Sample.newBuilder().setValue(1).setTimestamp(1000))
				.setMetadata(io.prometheusrelay.protocol.remotewrite.v2.Metadata.newBuilder()
					.setType(io.prometheusrelay.protocol.remotewrite.v2.Metadata.MetricType.METRIC_TYPE_GAUGE)))
			.build();
		WriteRequest translated = WriteRequest.parseFrom(this.translator.translate(request.toByteArray()));
		List<Label> labels = List.of(label("__name__", "request_seconds"), label("job", "api"));
		assertThat(translated).isEqualTo(WriteRequest.newBuilder()
			.addTimeseries(TimeSeries.newBuilder()
				.addAllLabels(labels)
				.addHistograms(Histogram.parseFrom(histogram.toByteArray()))
				.addExemplars(Exemplar.newBuilder().addLabels(label("trace_id", "abc")).setValue(0.3).setTimestamp(990))
				.setCreatedTimestamp(500))
			.addMetadata(MetricMetadata.newBuilder()
				.setMetricFamilyName("request_seconds")
				.setType(MetricMetadata.MetricType.HISTOGRAM)
				.setHelp("Time to answer.")
				.setUnit("seconds"))
			.addTimeseries(TimeSeries.newBuilder()
				.addAllLabels(labels)
				.addSamples(Sample.newBuilder().setValue(1).setTimestamp(1000)))
			.build());
	}

	@Test
	void makesEachRunOfEqualStartTimestampsASeriesWithThatCreatedTimestampAsPrometheus38SendsThem() throws Exception {
		// Prometheus 3.8 and later: a start timestamp per sample and histogram, none for the series.
		// The counter was reset between the second and the third sample.
		Request request = Request.newBuilder()
			.addAllSymbols(SYMBOLS)
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(1, 2, 3, 4))
				.addSamples(v2Sample(5, 1000, 500))
				.addSamples(v2Sample(6, 2000, 500))
				.addSamples(v2Sample(1, 3000, 2500)))
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(1, 2))
				.addHistograms(io.prometheusrelay.protocol.remotewrite.v2.Histogram.newBuilder()
					.setCountInt(0)
					.setTimestamp(1000)
					.setStartTimestamp(400)))
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder()
				.addAllLabelsRefs(List.of(1, 2))
				.addSamples(v2Sample(7, 1000, 0)))
			.build();
		WriteRequest translated = WriteRequest.parseFrom(this.translator.translate(request.toByteArray()));
		List<Label> labels = List.of(label("__name__", "request_seconds"), label("job", "api"));
		assertThat(translated.getTimeseriesList()).extracting(TimeSeries::getLabelsList, TimeSeries::getCreatedTimestamp,
				series -> series.getSamplesList().stream().map(Sample::getTimestamp).toList(), TimeSeries::getHistogramsCount)
			.containsExactly(tuple(labels, 500L, List.of(1000L, 2000L), 0), tuple(labels, 2500L, List.of(3000L), 0),
					tuple(labels.subList(0, 1), 400L, List.of(), 1), tuple(labels.subList(0, 1), 0L, List.of(1000L), 0));
		assertThat(translated.getTimeseries(0).getSamplesList()).extracting(Sample::getValue).containsExactly(5.0, 6.0);
	}

	private static io.prometheusrelay.protocol.remotewrite.v2.Sample v2Sample(double value, long timestamp, long start) {
		return io.prometheusrelay.protocol.remotewrite.v2.Sample.newBuilder()
			.setValue(value)
			.setTimestamp(timestamp)
			.setStartTimestamp(start)
			.build();
	}

	@Test
	void refusesAReferenceOutsideTheSymbolsTable() {
		assertRefused(series(1, 2, 3, 9), "symbol_reference_out_of_range", "reference 9 is outside the 9 symbols");
		assertRefused(series(1, 2, 3), "odd_label_references", "3 label references");
	}

	@Test
	void refusesASymbolsTableThatDoesNotStartEmptyOrPassesTheLimits() {
		assertRefused(Request.newBuilder().addSymbols("__name__"), "first_symbol_not_empty", "start with the empty string");
		Request.Builder tooMany = Request.newBuilder();
		for (int i = 0; i <= 100; i++) {
			tooMany.addSymbols(i == 0 ? "" : "s" + i);
		}
		assertRefused(tooMany, "too_many_symbols", "more than 100 symbols");
		assertRefused(Request.newBuilder().addSymbols("").addSymbols("x".repeat(65)), "symbol_too_long",
				"symbol 1 has 65 bytes, more than 64");
	}

	@Test
	void boundsWhatReferencesToLongSymbolsExpandTo() {
		// 2,000 references of two bytes each to a 64-byte symbol: 4 KB that would expand past 128 KB.
		io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.Builder series = io.prometheusrelay.protocol.remotewrite.v2.TimeSeries
			.newBuilder();
		for (int i = 0; i < 1000; i++) {
			series.addLabelsRefs(1).addLabelsRefs(1);
		}
		Request request = Request.newBuilder().addSymbols("").addSymbols("x".repeat(64)).addTimeseries(series).build();
		assertThatExceptionOfType(RemoteWriteV2Translator.InvalidRequestException.class)
			.isThrownBy(() -> new RemoteWriteV2Translator(100, 64, 128 << 10).translate(request.toByteArray()))
			.satisfies(ex -> assertThat(ex.reasonTag()).isEqualTo(RemoteWriteV2Translator.TRANSLATED_TOO_LARGE));
	}

	private static Request.Builder series(Integer... refs) {
		return Request.newBuilder()
			.addAllSymbols(SYMBOLS)
			.addTimeseries(io.prometheusrelay.protocol.remotewrite.v2.TimeSeries.newBuilder().addAllLabelsRefs(List.of(refs)));
	}

	private void assertRefused(Request.Builder request, String reason, String message) {
		assertThatExceptionOfType(RemoteWriteV2Translator.InvalidRequestException.class)
			.isThrownBy(() -> this.translator.translate(request.build().toByteArray()))
			.satisfies(ex -> {
				assertThat(ex.reasonTag()).isEqualTo(reason);
				assertThat(ex.getMessage()).contains(message);
			});
	}

	private static Label label(String name, String value) {
		return Label.newBuilder().setName(name).setValue(value).build();
	}

}
