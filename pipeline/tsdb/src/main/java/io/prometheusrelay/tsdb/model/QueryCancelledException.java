package io.prometheusrelay.tsdb.model;

/** The reader of a query went away: selecting series stops where it is instead of finishing for no one. */
public final class QueryCancelledException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public QueryCancelledException() {
		super("query cancelled", null, false, false);
	}

}
