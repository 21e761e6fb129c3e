package io.prometheusrelay.proxy.scrape;

import java.time.Duration;
import java.util.Objects;

/**
 * What one scrape of {@code /metrics/connected} may ask of the proxy.
 *
 * @param defaultTimeout per-application timeout when Prometheus sends no timeout header
 * @param timeoutMargin taken off Prometheus's timeout, for merging and sending
 * @param maxTimeout the longest per-application timeout a header may ask for
 * @param maxConcurrentScrapes scrapes served at once; more are answered 503 at once, not queued
 */
public record ScrapeLimits(Duration defaultTimeout, Duration timeoutMargin, Duration maxTimeout,
		int maxConcurrentScrapes) {

	public ScrapeLimits {
		Objects.requireNonNull(defaultTimeout, "defaultTimeout");
		Objects.requireNonNull(timeoutMargin, "timeoutMargin");
		Objects.requireNonNull(maxTimeout, "maxTimeout");
		if (maxConcurrentScrapes < 1) {
			throw new IllegalArgumentException("maxConcurrentScrapes must be positive");
		}
	}

}
