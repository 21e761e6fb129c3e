package io.prometheusrelay.tsdb.query;

import java.util.Iterator;
import java.util.List;

import io.prometheusrelay.tsdb.model.Matcher;

/** Something series are read from: a block or the head. */
public interface ChunkSource {

	/** The timestamp of the oldest sample it can hold. */
	long minTime();

	/** The timestamp of the newest sample it can hold. */
	long maxTime();

	/**
	 * The series every matcher selects that have chunks overlapping [mint, maxt], in label order, each
	 * read when the iterator reaches it.
	 */
	Iterator<SeriesChunks> select(List<Matcher> matchers, long mint, long maxt);

}
