package io.prometheusrelay.tsdb.model;

/**
 * Stored data that cannot be what was written: a checksum that does not match, a length past the end
 * of a file, a value no writer produces. Readers throw it so that the damage stays confined to the
 * block or log it was found in.
 */
public class CorruptionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public CorruptionException(String message) {
		super(message);
	}

	public CorruptionException(String message, Throwable cause) {
		super(message, cause);
	}

}
