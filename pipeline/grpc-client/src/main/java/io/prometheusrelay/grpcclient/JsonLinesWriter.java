package io.prometheusrelay.grpcclient;

import java.io.PrintStream;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;

/**
 * One JSON object per series per line: {@code {"labels":{...},"samples":[{"value":1.0,"timestamp":...}]}},
 * with {@code "createdTimestamp":...} (epoch millis) when the series' samples or histograms have one
 * (remote-write 2.0's created or start timestamp), {@code "histograms":[...]} and
 * {@code "exemplars":[...]} when the series has native
 * histograms or exemplars, and {@code "metadata":{...}} on a family's metadata message, each with
 * every field of its message in protobuf's JSON mapping. Non-finite values are strings ("NaN", "+Inf", "-Inf"),
 * as JSON has no numbers for them.
 */
final class JsonLinesWriter implements SeriesWriter {

	private static final JsonFormat.Printer MESSAGE_JSON = JsonFormat.printer()
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
		if (series.getCreatedTimestamp() != 0) {
			line.append(",\"createdTimestamp\":").append(series.getCreatedTimestamp());
		}
		messages("histograms", series.getHistogramsList(), line);
		messages("exemplars", series.getExemplarsList(), line);
		if (series.hasMetadata()) {
			line.append(",\"metadata\":").append(print(series.getMetadata()));
		}
		this.out.append(line.append("}\n"));
	}

	/**
	 * {@code ,"name":[...]} when there are messages: each with every field, defaults included, in
	 * protobuf's JSON mapping (64-bit integers as strings, NaN as "NaN").
	 */
	private static void messages(String name, List<? extends MessageOrBuilder> messages, StringBuilder line) {
		if (messages.isEmpty()) {
			return;
		}
		line.append(",\"").append(name).append("\":[");
		for (int i = 0; i < messages.size(); i++) {
			line.append(i == 0 ? "" : ",").append(print(messages.get(i)));
		}
		line.append(']');
	}

	private static String print(MessageOrBuilder message) {
		try {
			return MESSAGE_JSON.print(message);
		}
		catch (InvalidProtocolBufferException ex) {
			throw new IllegalStateException("A generated message always prints as JSON", ex);
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
