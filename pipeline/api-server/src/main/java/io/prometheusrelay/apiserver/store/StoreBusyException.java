package io.prometheusrelay.apiserver.store;

/** The store cannot take an append now (queue full, or closing); the same batch may succeed later. */
public final class StoreBusyException extends RuntimeException {

	StoreBusyException(String message) {
		super(message, null, false, false);
	}

}
