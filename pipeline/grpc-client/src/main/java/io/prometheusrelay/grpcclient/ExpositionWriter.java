package io.prometheusrelay.grpcclient;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.prometheusrelay.protocol.remotewrite.Histogram;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.MetricMetadata;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;

/**
 * The Prometheus text exposition format: {@code name{label="value",...} value timestamp}. A native
 * histogram is printed as a classic one: {@code name_bucket} lines with {@code le} (see
 * {@link ClassicBuckets}), then {@code name_count} and {@code name_sum}. A family's metadata, sent
 * before its first series, is printed as its {@code # HELP}, {@code # TYPE} and {@code # UNIT}
 * lines.
 * <p>
 * A finite result (latest, range) is held and printed grouped by metric name, so that the samples
 * of one family are together and the output is one valid exposition. A followed stream is printed as
 * it arrives, one batch of lines per message.
 */
final class ExpositionWriter implements SeriesWriter {

	private static final Comparator<TimeSeries> BY_NAME = Comparator.comparing(ExpositionWriter::metricName);

	private final PrintStream out;

	private final boolean streaming;

	private final List<TimeSeries> held = new ArrayList<>();

	ExpositionWriter(PrintStream out, boolean streaming) {
		this.out = out;
		this.streaming = streaming;
	}

	@Override
	public void write(TimeSeries series) {
		if (this.streaming) {
			print(series);
			this.out.flush();
		}
		else {
			this.held.add(series);
		}
	}

	@Override
	public void finish() {
		this.held.sort(BY_NAME);
		this.held.forEach(this::print);
		this.held.clear();
		this.out.flush();
	}

	private void print(TimeSeries series) {
		String name = metricName(series);
		if (series.hasMetadata()) {
			printMetadata(name, series.getMetadata());
		}
		StringBuilder labels = new StringBuilder();
		for (Label label : series.getLabelsList()) {
			if (label.getName().equals("__name__")) {
				continue;
			}
			labels.append(labels.length() == 0 ? "{" : ",").append(label.getName()).append("=\"");
			escape(label.getValue(), labels);
			labels.append('"');
		}
		if (labels.length() > 0) {
			labels.append('}');
		}
		for (Sample sample : series.getSamplesList()) {
			line(name, labels, sample.getValue(), sample.getTimestamp());
		}
		for (Histogram histogram : series.getHistogramsList()) {
			String bucketLabels = (labels.length() == 0) ? "{le=\"" : labels.substring(0, labels.length() - 1) + ",le=\"";
			for (ClassicBuckets.Bucket bucket : ClassicBuckets.of(histogram)) {
				line(name + "_bucket", bucketLabels + value(bucket.upperBound()) + "\"}", bucket.cumulativeCount(),
						histogram.getTimestamp());
			}
			line(name + "_count", labels, ClassicBuckets.count(histogram), histogram.getTimestamp());
			line(name + "_sum", labels, histogram.getSum(), histogram.getTimestamp());
		}
	}

	private void line(String name, CharSequence labels, double value, long timestamp) {
		this.out.append(name).append(labels).append(' ').append(value(value)).append(' ')
			.append(Long.toString(timestamp)).append('\n');
	}

	/** A family's HELP, TYPE and (when it has one) UNIT lines; types the 0.0.4 format lacks are untyped. */
	private void printMetadata(String family, MetricMetadata metadata) {
		StringBuilder help = new StringBuilder();
		for (int i = 0; i < metadata.getHelp().length(); i++) {
			char c = metadata.getHelp().charAt(i);
			switch (c) {
				case '\\' -> help.append("\\\\");
				case '\n' -> help.append("\\n");
				default -> help.append(c);
			}
		}
		this.out.append("# HELP ").append(family).append(' ').append(help).append('\n');
		String type = switch (metadata.getType()) {
			case COUNTER -> "counter";
			case GAUGE -> "gauge";
			case HISTOGRAM -> "histogram";
			case SUMMARY -> "summary";
			default -> "untyped";
		};
		this.out.append("# TYPE ").append(family).append(' ').append(type).append('\n');
		if (!metadata.getUnit().isEmpty()) {
			this.out.append("# UNIT ").append(family).append(' ').append(metadata.getUnit()).append('\n');
		}
	}

	static String metricName(TimeSeries series) {
		for (Label label : series.getLabelsList()) {
			if (label.getName().equals("__name__")) {
				return label.getValue();
			}
		}
		return "";
	}

	private static void escape(String value, StringBuilder out) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '\\' -> out.append("\\\\");
				case '"' -> out.append("\\\"");
				case '\n' -> out.append("\\n");
				default -> out.append(c);
			}
		}
	}

	static String value(double value) {
		if (Double.isNaN(value)) {
			return "NaN";
		}
		if (Double.isInfinite(value)) {
			return (value > 0) ? "+Inf" : "-Inf";
		}
		return Double.toString(value);
	}

}
