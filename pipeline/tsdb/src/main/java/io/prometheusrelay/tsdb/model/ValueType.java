package io.prometheusrelay.tsdb.model;

/** What a sample holds, and what an iterator's {@code next()} found. */
public enum ValueType {

	/** No sample: the iterator is exhausted. */
	NONE,

	FLOAT,

	HISTOGRAM,

	FLOAT_HISTOGRAM

}
