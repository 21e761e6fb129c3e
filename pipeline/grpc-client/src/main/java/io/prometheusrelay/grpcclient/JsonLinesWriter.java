package io.prometheusrelay.grpcclient;

import java.io.PrintStream;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.prometheusrelay.protocol.remotewrite.Histogram;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;

/**
 * One JSON object per series per line: {@code {"labels":{...},"samples":[{"value":1.0,"timestamp":...}]}},
 * with {@code "histograms":[...]} when the series has native histograms, each with every field of
 * its message in protobuf's JSON mapping. Non-finite values are strings ("NaN", "+Inf", "-Inf"),
 * as JSON has no numbers for them.
 */
final class JsonLinesWriter implements SeriesWriter {

	private static final JsonFormat.Printer HISTOGRAM_JSON = JsonFormat.printer()
		.alwaysPrintFieldsWithNoPresence()
		.omittingInsignificantWhitespace();

	private final PrintStream out;

	JsonLinesWriter(PrintStream out) {
		this.out = out;
	}

	@Override
	public void write(TimeSeries series) {
		StringBuilder line = new StringBuilder("{\"labels\":{");
		for (int i = 0; i < series.getLabelsCount(); i++) {
			Label label = series.getLabels(i);
			line.append(i == 0 ? "" : ",");
			string(label.getName(), line);
			line.append(':');
			string(label.getValue(), line);
		}
		line.append("},\"samples\":[");
		for (int i = 0; i < series.getSamplesCount(); i++) {
			Sample sample = series.getSamples(i);
			line.append(i == 0 ? "" : ",").append("{\"value\":");
			double value = sample.getValue();
			if (Double.isFinite(value)) {
				line.append(value);
			}
			else {
				string(ExpositionWriter.value(value), line);
			}
			line.append(",\"timestamp\":").append(sample.getTimestamp()).append('}');
		}
		line.append(']');
		if (series.getHistogramsCount() > 0) {
			line.append(",\"histograms\":[");
			for (int i = 0; i < series.getHistogramsCount(); i++) {
				line.append(i == 0 ? "" : ",").append(json(series.getHistograms(i)));
			}
			line.append(']');
		}
		this.out.append(line.append("}\n"));
	}

	/** Every field, defaults included, in protobuf's JSON mapping (64-bit integers as strings, NaN as "NaN"). */
	private static String json(Histogram histogram) {
		try {
			return HISTOGRAM_JSON.print(histogram);
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("A Histogram always prints as JSON", ex);
		}
	}

	@Override
	public void finish() {
		this.out.flush();
	}

	private static void string(String value, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

}
