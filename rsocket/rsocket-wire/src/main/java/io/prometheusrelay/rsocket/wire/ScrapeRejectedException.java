package io.prometheusrelay.rsocket.wire;

/** A client's scrape payload that cannot be accepted: undecryptable, tampered with, or over a limit. */
public final class ScrapeRejectedException extends RuntimeException {

	private final String reasonTag;

	public ScrapeRejectedException(String reasonTag, String message) {
		super(message, null, false, false);
		this.reasonTag = reasonTag;
	}

	/** Bounded, for metric tags: undecryptable, too_large, malformed. */
	public String reasonTag() {
		return this.reasonTag;
	}

}
