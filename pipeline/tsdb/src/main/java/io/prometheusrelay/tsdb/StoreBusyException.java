package io.prometheusrelay.tsdb;

/** The engine cannot take a batch now (its writer's queue is full, or it is closing): try again later. */
public class StoreBusyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public StoreBusyException(String message) {
		super(message);
	}

}
