package io.prometheusrelay.apiserver;

import java.util.Optional;

import io.prometheusrelay.apiserver.store.SegmentStore;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** DOWN while the store's writes fail (disk full, read-only file system); details say how much it holds. */
public final class StoreHealthIndicator implements HealthIndicator {

	private final SegmentStore store;

	public StoreHealthIndicator(SegmentStore store) {
		this.store = store;
	}

	@Override
	public Health health() {
		Optional<String> failure = this.store.lastWriteFailure();
		Health.Builder health = failure.isPresent() ? Health.down().withDetail("lastWriteFailure", failure.get())
				: Health.up();
		return health.withDetail("dataDir", this.store.dataDir().toString())
			.withDetail("segments", this.store.segmentCount())
			.withDetail("bytes", this.store.totalBytes())
			.withDetail("series", this.store.index().size())
			.build();
	}

}
