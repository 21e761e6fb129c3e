package io.prometheusrelay.proxy.rsocket;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Drops the pushes of departed applications once their time to live has passed, on a timer: a push
 * that no scrape comes for (Prometheus down, a scrape job removed) must not hold its memory for ever.
 * Checks five times per time to live, at least every 30 s and at most every second.
 */
public final class DyingPushExpiry implements AutoCloseable {

	private final Disposable schedule;

	public DyingPushExpiry(ConnectionRegistry connections, Duration ttl) {
		long period = Math.max(1_000, Math.min(30_000, ttl.toMillis() / 5));
		this.schedule = Schedulers.parallel()
			.schedulePeriodically(connections::expire, period, period, TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.schedule.dispose();
	}

}
