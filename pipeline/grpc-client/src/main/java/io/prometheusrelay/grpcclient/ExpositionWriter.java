package io.prometheusrelay.grpcclient;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;

/**
 * The Prometheus text exposition format: {@code name{label="value",...} value timestamp}.
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
			this.out.append(name).append(labels).append(' ').append(value(sample.getValue())).append(' ')
				.append(Long.toString(sample.getTimestamp())).append('\n');
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
