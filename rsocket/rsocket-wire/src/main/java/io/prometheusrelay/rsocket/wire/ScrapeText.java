package io.prometheusrelay.rsocket.wire;

import java.nio.charset.StandardCharsets;

/**
 * A decrypted scrape: its UTF-8 text is {@code bytes[0, length)}. The array may be longer: a
 * receiver that scrapes the same application again and again hands in a buffer to reuse.
 *
 * @param bytes the buffer holding the text
 * @param length the length of the text
 */
public record ScrapeText(byte[] bytes, int length) {

	/** The text as a string, for tests and logs; the proxy works on the bytes. */
	public String utf8() {
		return new String(this.bytes, 0, this.length, StandardCharsets.UTF_8);
	}

}
