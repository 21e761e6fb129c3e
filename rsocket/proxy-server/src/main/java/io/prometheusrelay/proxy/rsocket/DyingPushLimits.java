package io.prometheusrelay.proxy.rsocket;

import java.time.Duration;
import java.util.Objects;

/**
 * What the pushes of departing applications may hold until a scrape serves them: each is served
 * once, or dropped when it expires; past the count or the bytes, a new push is refused.
 *
 * @param ttl how long a departed application's push waits for a scrape
 * @param maxPushes pushes held at once
 * @param maxBytes bytes (decrypted text) those pushes may hold together
 */
public record DyingPushLimits(Duration ttl, int maxPushes, long maxBytes) {

	public DyingPushLimits {
		Objects.requireNonNull(ttl, "ttl");
		if (maxPushes < 0 || maxBytes < 0) {
			throw new IllegalArgumentException("limits must not be negative");
		}
	}

}
