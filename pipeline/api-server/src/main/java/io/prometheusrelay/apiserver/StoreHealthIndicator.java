package io.prometheusrelay.apiserver;

import java.util.Optional;

import io.prometheusrelay.tsdb.Tsdb;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * DOWN while the store's writes fail (disk full, read-only file system); details say what it holds,
 * and which blocks were found corrupt (left out, the rest served).
 */
public final class StoreHealthIndicator implements HealthIndicator {

	private final Tsdb tsdb;

	public StoreHealthIndicator(Tsdb tsdb) {
		this.tsdb = tsdb;
	}

	@Override
	public Health health() {
		Optional<String> failure = this.tsdb.lastWriteFailure();
		Health.Builder health = failure.isPresent() ? Health.down().withDetail("lastWriteFailure", failure.get())
				: Health.up();
		health.withDetail("dataDir", this.tsdb.options().dataDir().toString())
			.withDetail("blocks", this.tsdb.blocks().size())
			.withDetail("blockBytes", this.tsdb.blockBytes())
			.withDetail("walBytes", this.tsdb.walBytes())
			.withDetail("headSeries", this.tsdb.headSeries());
		if (!this.tsdb.corruptBlocks().isEmpty()) {
			health.withDetail("corruptBlocks", this.tsdb.corruptBlocks().stream().map(Object::toString).toList());
		}
		return health.build();
	}

}
