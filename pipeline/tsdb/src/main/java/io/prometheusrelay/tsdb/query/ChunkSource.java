package io.prometheusrelay.tsdb.query;

import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.prometheusrelay.tsdb.model.Matcher;
import io.prometheusrelay.tsdb.model.QueryCancelledException;

/** Something series are read from: a block or the head. */
public interface ChunkSource {

	/** The timestamp of the oldest sample it can hold. */
	long minTime();

	/** The timestamp of the newest sample it can hold. */
	long maxTime();

	/**
	 * The series every matcher selects that have chunks overlapping [mint, maxt], in label order, each
	 * read when the iterator reaches it. Selecting stops with a {@link QueryCancelledException} once
	 * {@code cancelled} says so.
	 */
	Iterator<SeriesChunks> select(List<Matcher> matchers, long mint, long maxt, BooleanSupplier cancelled);

	/**
	 * The series every matcher selects, in label order, each with only what its newest sample and
	 * newest exemplar need: its last chunk, its newest exemplar, and the created range of its newest
	 * sample.
	 */
	Iterator<SeriesChunks> selectLatest(List<Matcher> matchers, BooleanSupplier cancelled);

}
