package io.prometheusrelay.receiver.decode;

import java.util.Locale;

/** Why one series of a request was left out. The tag is a bounded metric tag and the word in the 400 answer. */
public enum RejectReason {

	NO_LABELS, TOO_MANY_LABELS, EMPTY_LABEL_NAME, LABEL_NAME_TOO_LONG, LABEL_VALUE_TOO_LONG, INVALID_UTF8,
	DUPLICATE_LABEL_NAME, MISSING_METRIC_NAME, NO_SAMPLES, TIMESTAMP_TOO_NEW, TIMESTAMP_TOO_OLD, INVALID_HISTOGRAM, INVALID_EXEMPLAR;

	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
