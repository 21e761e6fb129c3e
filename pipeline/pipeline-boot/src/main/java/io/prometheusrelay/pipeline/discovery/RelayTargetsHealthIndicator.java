package io.prometheusrelay.pipeline.discovery;

import io.prometheusrelay.transport.RelayClient;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP while at least one target of the next hop is connected: a service with nowhere to relay can
 * only answer 503 or NACK, and a load balancer or orchestrator should know. Liveness is unaffected
 * (the liveness group does not include this indicator): the process is fine, its peers are not.
 */
public final class RelayTargetsHealthIndicator implements HealthIndicator {

	private final RelayTargets targets;

	public RelayTargetsHealthIndicator(RelayTargets targets) {
		this.targets = targets;
	}

	@Override
	public Health health() {
		Health.Builder health = this.targets.connected().isEmpty() ? Health.down() : Health.up();
		health.withDetail("serviceId", this.targets.serviceId());
		for (RelayClient target : this.targets.all()) {
			health.withDetail(target.target(), target.isConnected() ? "connected" : "not connected");
		}
		return health.build();
	}

}
