package io.prometheusrelay.grpcclient;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.Set;

import io.prometheusrelay.protocol.remotewrite.Histogram;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.MetricMetadata;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus text exposition format: {@code name{label="value",...} value timestamp}. A native
 * histogram is printed as a classic one: {@code name_bucket} lines with {@code le} (see
 * {@link ClassicBuckets}), then {@code name_count} and {@code name_sum}. A family's metadata, sent
 * before its first series, is printed as its {@code # HELP}, {@code # TYPE} and {@code # UNIT}
 * lines.
 * <p>
 * Every series is printed as it arrives, so that a result of any size is printed in the memory of
 * one message. A finite result (latest, range) is one valid exposition because the api-server sends
 * series in label order, where a family's series come together: {@code __name__} sorts before
 * lowercase label names. A label name that sorts before it (one starting with an uppercase letter)
 * can split a family; the writer then says so on stderr, once. A followed stream is flushed after
 * every message.
 */
final class ExpositionWriter implements SeriesWriter {

	private static final Logger logger = LoggerFactory.getLogger(ExpositionWriter.class);

	private final PrintStream out;

	private final boolean streaming;

	/** The families printed so far, but the current one: what must not come again (a name each, not the series). */
	private final Set<String> finishedFamilies = new HashSet<>();

	private @Nullable String currentFamily;

	private boolean warned;

	ExpositionWriter(PrintStream out, boolean streaming) {
		this.out = out;
		this.streaming = streaming;
	}

	@Override
	public void write(TimeSeries series) {
		if (!this.streaming) {
			checkTogether(metricName(series));
		}
		print(series);
		if (this.streaming) {
			this.out.flush();
		}
	}

	private void checkTogether(String family) {
		if (family.equals(this.currentFamily)) {
			return;
		}
		if (this.currentFamily != null) {
			this.finishedFamilies.add(this.currentFamily);
		}
		this.currentFamily = family;
		if (this.finishedFamilies.contains(family) && !this.warned) {
			this.warned = true;
			logger.warn("The series of {} did not come together (a label name that sorts before __name__?): "
					+ "the exposition names that family twice", family);
		}
	}

	@Override
	public void finish() {
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
