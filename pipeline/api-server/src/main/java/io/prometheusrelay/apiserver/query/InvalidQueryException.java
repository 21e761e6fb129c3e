package io.prometheusrelay.apiserver.query;

/** A read request that can never succeed as sent (bad regex, too many matchers, inverted range). */
public final class InvalidQueryException extends RuntimeException {

	public InvalidQueryException(String message) {
		super(message, null, false, false);
	}

}
