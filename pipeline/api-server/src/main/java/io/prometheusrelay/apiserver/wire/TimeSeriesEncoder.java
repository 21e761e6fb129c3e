package io.prometheusrelay.apiserver.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.tsdb.chunkenc.SampleIterator;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.ValueType;
import io.prometheusrelay.tsdb.query.LatestSeries;
import io.prometheusrelay.tsdb.query.SeriesChunks;

/**
 * Stored series as {@code prometheus.TimeSeries} messages: the series' labels, and a run of its
 * samples of one kind, floats in {@code samples} or histograms in {@code histograms}, that share one
 * created timestamp ({@code created_timestamp}, as the receiver wrote them); exemplars in a message
 * of their own. A long run is split so that no message holds more than a given number of samples.
 */
public final class TimeSeriesEncoder {

	private TimeSeriesEncoder() {
	}

	/** Every sample {@code samples} yields (the series' in a time range), then its exemplars. */
	public static void encode(SeriesChunks series, SampleIterator samples, int maxPerMessage,
			Consumer<TimeSeries> out) {
		List<Label> labels = ProtoModel.labels(series.labels());
		TimeSeries.Builder run = null;
		long runCreated = 0;
		boolean runOfFloats = true;
		int runSize = 0;
		for (ValueType type = samples.next(); type != ValueType.NONE; type = samples.next()) {
			Sample sample = samples.sample(type);
			long created = series.createdTimestampAt(sample.timestamp());
			boolean isFloat = type == ValueType.FLOAT;
			if (run != null && (created != runCreated || isFloat != runOfFloats || runSize >= maxPerMessage)) {
				out.accept(run.build());
				run = null;
			}
			if (run == null) {
				run = TimeSeries.newBuilder().addAllLabels(labels).setCreatedTimestamp(created);
				runCreated = created;
				runOfFloats = isFloat;
				runSize = 0;
			}
			add(run, sample);
			runSize++;
		}
		if (run != null) {
			out.accept(run.build());
		}
		List<Exemplar> exemplars = series.exemplars();
		for (int from = 0; from < exemplars.size(); from += maxPerMessage) {
			TimeSeries.Builder message = TimeSeries.newBuilder().addAllLabels(labels);
			exemplars.subList(from, Math.min(exemplars.size(), from + maxPerMessage))
				.forEach(exemplar -> message.addExemplars(ProtoModel.exemplar(exemplar)));
			out.accept(message.build());
		}
	}

	/** A series at its newest: its newest sample with its created timestamp, then its newest exemplar. */
	public static void encode(LatestSeries series, Consumer<TimeSeries> out) {
		List<Label> labels = ProtoModel.labels(series.labels());
		Sample sample = series.sample();
		if (sample != null) {
			TimeSeries.Builder message = TimeSeries.newBuilder()
				.addAllLabels(labels)
				.setCreatedTimestamp(series.createdTimestamp());
			add(message, sample);
			out.accept(message.build());
		}
		Exemplar exemplar = series.exemplar();
		if (exemplar != null) {
			out.accept(TimeSeries.newBuilder().addAllLabels(labels).addExemplars(ProtoModel.exemplar(exemplar)).build());
		}
	}

	/**
	 * What a batch brought one series, as stored: its floats, then its histograms, each with their
	 * created timestamp, in time order; then its exemplars.
	 */
	public static void encode(SeriesWrite write, Consumer<TimeSeries> out) {
		List<Label> labels = ProtoModel.labels(write.labels());
		List<Sample> sorted = new ArrayList<>(write.samples());
		sorted.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
		for (boolean floats : new boolean[] { true, false }) {
			TimeSeries.Builder message = TimeSeries.newBuilder()
				.addAllLabels(labels)
				.setCreatedTimestamp(write.createdTimestamp());
			sorted.stream().filter(sample -> (sample.type() == ValueType.FLOAT) == floats).forEach(sample -> add(message, sample));
			if (message.getSamplesCount() + message.getHistogramsCount() > 0) {
				out.accept(message.build());
			}
		}
		if (!write.exemplars().isEmpty()) {
			TimeSeries.Builder message = TimeSeries.newBuilder().addAllLabels(labels);
			write.exemplars().forEach(exemplar -> message.addExemplars(ProtoModel.exemplar(exemplar)));
			out.accept(message.build());
		}
	}

	/** The labels of a series as a reader sends them. */
	public static List<Label> labels(Labels labels) {
		return ProtoModel.labels(labels);
	}

	private static void add(TimeSeries.Builder message, Sample sample) {
		switch (sample.type()) {
			case FLOAT -> message.addSamples(io.prometheusrelay.protocol.remotewrite.Sample.newBuilder()
				.setValue(sample.value())
				.setTimestamp(sample.timestamp()));
			case HISTOGRAM -> message.addHistograms(ProtoModel.histogram(sample.timestamp(), sample.histogram()));
			case FLOAT_HISTOGRAM -> message.addHistograms(ProtoModel.histogram(sample.timestamp(), sample.floatHistogram()));
			case NONE -> throw new IllegalArgumentException("No sample");
		}
	}

}
