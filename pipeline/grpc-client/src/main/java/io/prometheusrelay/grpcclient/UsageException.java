package io.prometheusrelay.grpcclient;

/** A command line that cannot be run; the message says what to fix. */
final class UsageException extends RuntimeException {

	UsageException(String message) {
		super(message, null, false, false);
	}

}
