package io.prometheusrelay.apiserver.catchup;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * What this replica lacks from each peer, until it holds it. UP whatever it lacks: a replica that
 * is catching up still serves what it has, and a DOWN api-server would also lose the forwarder's
 * deliveries through Consul. {@code converged} says whether every peer was compared and nothing is
 * lacking.
 */
public final class CatchUpHealthIndicator implements HealthIndicator {

	private final PeerCatchUp catchUp;

	public CatchUpHealthIndicator(PeerCatchUp catchUp) {
		this.catchUp = catchUp;
	}

	@Override
	public Health health() {
		Health.Builder health = Health.up();
		for (PeerReport peer : this.catchUp.status()) {
			health.withDetail(peer.address(), peer.details());
		}
		return health.withDetail("converged", this.catchUp.converged()).build();
	}

}
