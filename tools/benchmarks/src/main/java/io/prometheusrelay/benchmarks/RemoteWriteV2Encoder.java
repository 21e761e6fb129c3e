package io.prometheusrelay.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import io.prometheusrelay.protocol.remotewrite.v2.BucketSpan;
import io.prometheusrelay.protocol.remotewrite.v2.Request;
import io.prometheusrelay.protocol.remotewrite.v2.TimeSeries;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.Span;
import io.prometheusrelay.tsdb.model.ValueType;
import io.prometheusrelay.tsdb.model.WriteBatch;
import org.xerial.snappy.Snappy;

/**
 * A batch as a remote-write 2.0 request body (snappy-compressed {@code io.prometheus.write.v2.Request}),
 * for Prometheus's own receiver: float samples and integer native histograms, the kinds
 * {@link SampleGenerator} makes.
 */
final class RemoteWriteV2Encoder {

	private RemoteWriteV2Encoder() {
	}

	static byte[] encode(WriteBatch batch) {
		Map<String, Integer> symbols = new HashMap<>();
		Request.Builder request = Request.newBuilder().addSymbols("");
		symbols.put("", 0);
		for (SeriesWrite write : batch.series()) {
			TimeSeries.Builder series = TimeSeries.newBuilder();
			Labels labels = write.labels();
			for (int i = 0; i < labels.size(); i++) {
				series.addLabelsRefs(symbol(request, symbols, labels.name(i)));
				series.addLabelsRefs(symbol(request, symbols, labels.value(i)));
			}
			for (Sample sample : write.samples()) {
				if (sample.type() == ValueType.FLOAT) {
					series.addSamples(io.prometheusrelay.protocol.remotewrite.v2.Sample.newBuilder()
						.setValue(sample.value())
						.setTimestamp(sample.timestamp()));
				}
				else if (sample.type() == ValueType.HISTOGRAM) {
					series.addHistograms(histogram(sample.timestamp(), sample.histogram()));
				}
				else {
					throw new IllegalArgumentException("Not a kind this benchmark sends: " + sample.type());
				}
			}
			request.addTimeseries(series);
		}
		try {
			return Snappy.compress(request.build().toByteArray());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int symbol(Request.Builder request, Map<String, Integer> symbols, String text) {
		return symbols.computeIfAbsent(text, key -> {
			request.addSymbols(key);
			return symbols.size();
		});
	}

	private static io.prometheusrelay.protocol.remotewrite.v2.Histogram histogram(long t, Histogram h) {
		io.prometheusrelay.protocol.remotewrite.v2.Histogram.Builder out = io.prometheusrelay.protocol.remotewrite.v2.Histogram
			.newBuilder()
			.setTimestamp(t)
			.setCountInt(h.count())
			.setZeroCountInt(h.zeroCount())
			.setSum(h.sum())
			.setSchema(h.schema())
			.setZeroThreshold(h.zeroThreshold())
			.setResetHintValue(h.resetHint().ordinal());
		for (Span span : h.positiveSpans()) {
			out.addPositiveSpans(BucketSpan.newBuilder().setOffset(span.offset()).setLength(span.length()));
		}
		for (long delta : h.positiveDeltas()) {
			out.addPositiveDeltas(delta);
		}
		for (Span span : h.negativeSpans()) {
			out.addNegativeSpans(BucketSpan.newBuilder().setOffset(span.offset()).setLength(span.length()));
		}
		for (long delta : h.negativeDeltas()) {
			out.addNegativeDeltas(delta);
		}
		for (double bound : h.customValues()) {
			out.addCustomValues(bound);
		}
		return out.build();
	}

}
