package io.prometheusrelay.receiver.decode;

import java.nio.charset.StandardCharsets;

import com.google.protobuf.InvalidProtocolBufferException;
import io.prometheusrelay.protocol.remotewrite.EncodedExemplar;
import io.prometheusrelay.protocol.remotewrite.EncodedHistogram;
import io.prometheusrelay.protocol.remotewrite.EncodedSeries;
import io.prometheusrelay.protocol.remotewrite.Utf8;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether one series may be stored: the rules Prometheus's own TSDB applies (labels
 * present, names non-empty and unique, a metric name, valid UTF-8, valid native histograms and
 * exemplars) plus
 * the configured limits.
 * Label names are any valid UTF-8, as Prometheus 3 allows; sorting is not required.
 */
final class SeriesValidator {

	private static final byte[] METRIC_NAME = "__name__".getBytes(StandardCharsets.UTF_8);

	private final RemoteWriteLimits limits;

	SeriesValidator(RemoteWriteLimits limits) {
		this.limits = limits;
	}

	/**
	 * The reason to reject the series, or null to keep it. A series may carry exemplars alone:
	 * Prometheus 3's sender puts each exemplar in a series of its own, with either version (2.0's
	 * spec says a series has samples or histograms), and its receiver takes them.
	 */
	@Nullable RejectReason check(EncodedSeries series, long nowMillis) {
		int labels = series.labelCount();
		if (labels == 0) {
			return RejectReason.NO_LABELS;
		}
		if (labels > this.limits.maxLabelsPerSeries()) {
			return RejectReason.TOO_MANY_LABELS;
		}
		boolean hasName = false;
		byte[] buf = series.buffer();
		for (int i = 0; i < labels; i++) {
			int nameLength = series.nameLength(i);
			if (nameLength == 0) {
				return RejectReason.EMPTY_LABEL_NAME;
			}
			if (nameLength > this.limits.maxLabelNameBytes()) {
				return RejectReason.LABEL_NAME_TOO_LONG;
			}
			if (series.valueLength(i) > this.limits.maxLabelValueBytes()) {
				return RejectReason.LABEL_VALUE_TOO_LONG;
			}
			if (!Utf8.isValid(buf, series.nameOffset(i), nameLength)
					|| !Utf8.isValid(buf, series.valueOffset(i), series.valueLength(i))) {
				return RejectReason.INVALID_UTF8;
			}
			if (series.nameEquals(i, METRIC_NAME) && series.valueLength(i) > 0) {
				hasName = true;
			}
		}
		if (!series.hasCanonicalLabels()) {
			// Canonical labels are sorted with unique names; only others need sorting to find duplicates.
			int[] order = series.labelOrder();
			for (int i = 1; i < order.length; i++) {
				if (series.compareNames(order[i - 1], order[i]) == 0) {
					return RejectReason.DUPLICATE_LABEL_NAME;
				}
			}
		}
		if (!hasName) {
			return RejectReason.MISSING_METRIC_NAME;
		}
		if (series.sampleCount() == 0 && series.histogramCount() == 0 && series.exemplarCount() == 0) {
			return RejectReason.NO_SAMPLES;
		}
		if (series.maxTimestamp() > nowMillis + this.limits.maxFutureSkew().toMillis()) {
			return RejectReason.TIMESTAMP_TOO_NEW;
		}
		if (this.limits.maxSampleAge() != null
				&& series.minTimestamp() < nowMillis - this.limits.maxSampleAge().toMillis()) {
			return RejectReason.TIMESTAMP_TOO_OLD;
		}
		return null;
	}

	/**
	 * What is wrong with the first of the series' native histograms that is invalid (see
	 * {@link HistogramValidation}), or null when none is.
	 * @param scratch reused to read each histogram
	 */
	static @Nullable String histogramProblem(EncodedSeries series, EncodedHistogram scratch) {
		for (int i = 0; i < series.histogramCount(); i++) {
			try {
				scratch.read(series.buffer(), series.histogramOffset(i), series.histogramLength(i));
			}
			catch (InvalidProtocolBufferException ex) {
				return "malformed histogram: " + ex.getMessage();
			}
			String problem = HistogramValidation.problem(scratch);
			if (problem != null) {
				return problem;
			}
		}
		return null;
	}

	/**
	 * What is wrong with the first of the series' exemplars that is invalid (see
	 * {@link ExemplarValidation}), or null when none is.
	 * @param scratch reused to read each exemplar
	 */
	static @Nullable String exemplarProblem(EncodedSeries series, EncodedExemplar scratch) {
		for (int i = 0; i < series.exemplarCount(); i++) {
			try {
				scratch.read(series.buffer(), series.exemplarOffset(i), series.exemplarLength(i));
			}
			catch (InvalidProtocolBufferException ex) {
				return "malformed exemplar: " + ex.getMessage();
			}
			String problem = ExemplarValidation.problem(scratch);
			if (problem != null) {
				return problem;
			}
		}
		return null;
	}

}
