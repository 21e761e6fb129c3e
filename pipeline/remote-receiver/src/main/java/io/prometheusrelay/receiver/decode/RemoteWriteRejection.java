package io.prometheusrelay.receiver.decode;

/**
 * A request that cannot succeed as sent; becomes an HTTP status and a one-line reason. Expected
 * client errors: no stack trace is captured.
 */
public final class RemoteWriteRejection extends RuntimeException {

	private final int status;

	private final String reasonTag;

	private RemoteWriteRejection(int status, String reasonTag, String message) {
		super(message, null, false, false);
		this.status = status;
		this.reasonTag = reasonTag;
	}

	/** 400: the body is not a remote-write request; sending it again will not help. */
	public static RemoteWriteRejection malformed(String reasonTag, String message) {
		return new RemoteWriteRejection(400, reasonTag, message);
	}

	/** 413: the request is over a configured limit. */
	public static RemoteWriteRejection tooLarge(String reasonTag, String message) {
		return new RemoteWriteRejection(413, reasonTag, message);
	}

	/** 415: a content type or encoding this receiver does not speak. */
	public static RemoteWriteRejection unsupportedMedia(String message) {
		return new RemoteWriteRejection(415, "unsupported_media_type", message);
	}

	public int status() {
		return this.status;
	}

	/** Bounded, for metric tags. */
	public String reasonTag() {
		return this.reasonTag;
	}

}
