package io.prometheusrelay.forwarder.fanout;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * How far each api-server is behind the hand-off, and what it will never get from it. UP whatever
 * the lag: a replica catching up is the hand-off working, and a DOWN forwarder would be taken out of
 * service (Consul, the receiver) while it is the one that holds what the replicas lack. Operators
 * read the details, or the relay_forwarder_replica_* meters.
 */
public final class ReplicasHealthIndicator implements HealthIndicator {

	private final HandoffDelivery delivery;

	public ReplicasHealthIndicator(HandoffDelivery delivery) {
		this.delivery = delivery;
	}

	@Override
	public Health health() {
		Health.Builder health = Health.up();
		boolean converged = true;
		for (HandoffDelivery.ReplicaStatus replica : this.delivery.status()) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("state", replica.state());
			details.put("lagBatches", replica.lagBatches());
			details.put("lagBytes", replica.lagBytes());
			details.put("lagSeconds", replica.lagSeconds());
			details.put("missingBatches", replica.missingBatches());
			health.withDetail(replica.name(), details);
			converged &= replica.lagBatches() == 0 && replica.missingBatches() == 0;
		}
		return health.withDetail("converged", converged).build();
	}

}
