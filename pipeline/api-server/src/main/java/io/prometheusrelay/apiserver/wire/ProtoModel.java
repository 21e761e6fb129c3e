package io.prometheusrelay.apiserver.wire;

import java.util.List;

import io.prometheusrelay.protocol.remotewrite.BucketSpan;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.MetricMetadata;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.Span;

/**
 * The engine's histograms, exemplars and metadata to and from remote-write's messages, field for
 * field, floats by their bits.
 */
public final class ProtoModel {

	private static final ResetHint[] HINTS = { ResetHint.UNKNOWN, ResetHint.YES, ResetHint.NO, ResetHint.GAUGE };

	private ProtoModel() {
	}

	/** A remote-write histogram as the engine's sample: integer counts or float counts, as sent. */
	public static Sample histogram(io.prometheusrelay.protocol.remotewrite.Histogram h) {
		ResetHint hint = (h.getResetHintValue() >= 0 && h.getResetHintValue() < HINTS.length)
				? HINTS[h.getResetHintValue()] : ResetHint.UNKNOWN;
		Span[] positive = spans(h.getPositiveSpansList());
		Span[] negative = spans(h.getNegativeSpansList());
		double[] custom = h.getCustomValuesList().stream().mapToDouble(Double::doubleValue).toArray();
		if (h.getCountCase() == io.prometheusrelay.protocol.remotewrite.Histogram.CountCase.COUNT_FLOAT) {
			return Sample.of(h.getTimestamp(), new FloatHistogram(hint, h.getSchema(), h.getZeroThreshold(),
					h.getCountFloat(), h.getZeroCountFloat(), h.getSum(), positive,
					h.getPositiveCountsList().stream().mapToDouble(Double::doubleValue).toArray(), negative,
					h.getNegativeCountsList().stream().mapToDouble(Double::doubleValue).toArray(), custom));
		}
		return Sample.of(h.getTimestamp(), new Histogram(hint, h.getSchema(), h.getZeroThreshold(), h.getCountInt(),
				h.getZeroCountInt(), h.getSum(), positive,
				h.getPositiveDeltasList().stream().mapToLong(Long::longValue).toArray(), negative,
				h.getNegativeDeltasList().stream().mapToLong(Long::longValue).toArray(), custom));
	}

	public static io.prometheusrelay.protocol.remotewrite.Histogram histogram(long t, Histogram h) {
		io.prometheusrelay.protocol.remotewrite.Histogram.Builder builder = io.prometheusrelay.protocol.remotewrite.Histogram
			.newBuilder()
			.setTimestamp(t)
			.setResetHintValue(hintValue(h.resetHint()))
			.setSchema(h.schema())
			.setZeroThreshold(h.zeroThreshold())
			.setCountInt(h.count())
			.setZeroCountInt(h.zeroCount())
			.setSum(h.sum());
		spans(h.positiveSpans()).forEach(builder::addPositiveSpans);
		spans(h.negativeSpans()).forEach(builder::addNegativeSpans);
		for (long delta : h.positiveDeltas()) {
			builder.addPositiveDeltas(delta);
		}
		for (long delta : h.negativeDeltas()) {
			builder.addNegativeDeltas(delta);
		}
		for (double bound : h.customValues()) {
			builder.addCustomValues(bound);
		}
		return builder.build();
	}

	public static io.prometheusrelay.protocol.remotewrite.Histogram histogram(long t, FloatHistogram h) {
		io.prometheusrelay.protocol.remotewrite.Histogram.Builder builder = io.prometheusrelay.protocol.remotewrite.Histogram
			.newBuilder()
			.setTimestamp(t)
			.setResetHintValue(hintValue(h.resetHint()))
			.setSchema(h.schema())
			.setZeroThreshold(h.zeroThreshold())
			.setCountFloat(h.count())
			.setZeroCountFloat(h.zeroCount())
			.setSum(h.sum());
		spans(h.positiveSpans()).forEach(builder::addPositiveSpans);
		spans(h.negativeSpans()).forEach(builder::addNegativeSpans);
		for (double count : h.positiveCounts()) {
			builder.addPositiveCounts(count);
		}
		for (double count : h.negativeCounts()) {
			builder.addNegativeCounts(count);
		}
		for (double bound : h.customValues()) {
			builder.addCustomValues(bound);
		}
		return builder.build();
	}

	public static Exemplar exemplar(io.prometheusrelay.protocol.remotewrite.Exemplar e) {
		return new Exemplar(labels(e.getLabelsList()), e.getValue(), e.getTimestamp());
	}

	public static io.prometheusrelay.protocol.remotewrite.Exemplar exemplar(Exemplar e) {
		return io.prometheusrelay.protocol.remotewrite.Exemplar.newBuilder()
			.addAllLabels(labels(e.labels()))
			.setValue(e.value())
			.setTimestamp(e.timestamp())
			.build();
	}

	public static MetricMetadata metadata(io.prometheusrelay.protocol.remotewrite.MetricMetadata m) {
		MetricMetadata.Type[] types = MetricMetadata.Type.values();
		MetricMetadata.Type type = (m.getTypeValue() >= 0 && m.getTypeValue() < types.length)
				? types[m.getTypeValue()] : MetricMetadata.Type.UNKNOWN;
		return new MetricMetadata(m.getMetricFamilyName(), type, m.getHelp(), m.getUnit());
	}

	public static io.prometheusrelay.protocol.remotewrite.MetricMetadata metadata(MetricMetadata m) {
		return io.prometheusrelay.protocol.remotewrite.MetricMetadata.newBuilder()
			.setTypeValue(m.type().ordinal())
			.setMetricFamilyName(m.family())
			.setHelp(m.help())
			.setUnit(m.unit())
			.build();
	}

	public static Labels labels(List<Label> labels) {
		Labels.Builder builder = Labels.builder();
		for (Label label : labels) {
			builder.add(label.getName(), label.getValue());
		}
		return builder.build();
	}

	public static List<Label> labels(Labels labels) {
		Label[] out = new Label[labels.size()];
		for (int i = 0; i < out.length; i++) {
			out[i] = Label.newBuilder().setName(labels.name(i)).setValue(labels.value(i)).build();
		}
		return List.of(out);
	}

	private static Span[] spans(List<BucketSpan> spans) {
		Span[] out = new Span[spans.size()];
		for (int i = 0; i < out.length; i++) {
			out[i] = new Span(spans.get(i).getOffset(), spans.get(i).getLength());
		}
		return out;
	}

	private static List<BucketSpan> spans(Span[] spans) {
		BucketSpan[] out = new BucketSpan[spans.length];
		for (int i = 0; i < out.length; i++) {
			out[i] = BucketSpan.newBuilder().setOffset(spans[i].offset()).setLength(spans[i].length()).build();
		}
		return List.of(out);
	}

	private static int hintValue(ResetHint hint) {
		return switch (hint) {
			case UNKNOWN -> 0;
			case YES -> 1;
			case NO -> 2;
			case GAUGE -> 3;
		};
	}

}
