package io.prometheusrelay.benchmarks;

import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;

/**
 * The benchmark's series: {@code count} series of 10 labels each, shaped like a Kubernetes
 * workload's, each pre-encoded as the {@code labels} part of a TimeSeries so that building a request
 * costs a copy, not a protobuf encode.
 */
final class SeriesSet {

	private final byte[][] encodedLabels;

	/** Each series' labels as name, value, name, value, ...: what a 2.0 symbols table is made of. */
	private final String[][] labelStrings;

	SeriesSet(int count) {
		this.encodedLabels = new byte[count][];
		this.labelStrings = new String[count][];
		for (int i = 0; i < count; i++) {
			TimeSeries.Builder series = TimeSeries.newBuilder();
			label(series, "__name__", "http_server_requests_seconds_bucket_" + (i % 200));
			label(series, "container", "app-" + (i % 7));
			label(series, "env", "production");
			label(series, "instance", "10.1." + (i / 250 % 250) + "." + (i % 250) + ":8080");
			label(series, "job", "kubernetes-pods");
			label(series, "le", Integer.toString(i % 13));
			label(series, "namespace", "team-" + (i % 40));
			label(series, "pod", "checkout-7d9c6b5f4-" + Integer.toString(i, 36));
			label(series, "region", "eu-west-" + (i % 3));
			label(series, "uri", "/api/v1/orders/{id}/items");
			TimeSeries built = series.build();
			this.encodedLabels[i] = built.toByteArray();
			this.labelStrings[i] = built.getLabelsList()
				.stream()
				.flatMap(label -> java.util.stream.Stream.of(label.getName(), label.getValue()))
				.toArray(String[]::new);
		}
	}

	private static void label(TimeSeries.Builder series, String name, String value) {
		series.addLabels(Label.newBuilder().setName(name).setValue(value));
	}

	int size() {
		return this.encodedLabels.length;
	}

	byte[] labels(int series) {
		return this.encodedLabels[series];
	}

	String[] labelStrings(int series) {
		return this.labelStrings[series];
	}

	/** Mean bytes of one encoded TimeSeries with one sample. */
	double meanSeriesBytes() {
		long total = 0;
		for (byte[] labels : this.encodedLabels) {
			total += labels.length + 2 + 9 + 7;
		}
		return (double) total / this.encodedLabels.length;
	}

}
