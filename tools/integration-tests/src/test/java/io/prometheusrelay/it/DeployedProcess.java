package io.prometheusrelay.it;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One process a deployment descriptor runs, as the agreement rules read it, whatever the descriptor
 * (docker-compose.yml, a Kubernetes manifest, the local run's plan).
 * @param host the name others reach it by; "127.0.0.1" for everything the local run starts
 * @param image this repository's {@code prometheus-relay/<module>}, or a third party's image
 * @param environment its environment variables
 * @param args its arguments
 * @param declaredPorts the ports the descriptor says it listens on, by name (Kubernetes' container
 * ports); null where the descriptor does not say
 * @param published ports the descriptor publishes or probes on it without naming them
 * @param texts everything else it is given that can name addresses: health checks, commands, mounted
 * configuration files
 */
record DeployedProcess(String name, String host, String image, Map<String, String> environment, List<String> args,
		@Nullable Map<String, Integer> declaredPorts, List<Integer> published, List<String> texts) {

	static final String OURS = "prometheus-relay/";

	/** Where the images this repository does not build listen, by their own defaults. */
	private static final Map<String, List<Integer>> THIRD_PARTY_PORTS = Map.of("hashicorp/consul", List.of(8500, 8600),
			"prom/prometheus", List.of(9090), "grafana/grafana", List.of(3000));

	boolean isOurs() {
		return this.image.startsWith(OURS);
	}

	/** What one of our applications makes of what it is given; only for {@link #isOurs()}. */
	ServiceSettings settings() {
		String module = this.image.substring(OURS.length()).replaceFirst(":.*", "");
		return new ServiceSettings(module, this.environment, this.args);
	}

	/** The ports it listens on: ours by their settings, HAProxy by its bind variables, others by their defaults. */
	List<Integer> listening() {
		if (isOurs()) {
			return List.copyOf(settings().ports().values());
		}
		if (this.image.startsWith("haproxy")) {
			return List.of(Topology.portOf(this.environment.get("HAPROXY_BIND")),
					Topology.portOf(this.environment.get("HAPROXY_STATS")));
		}
		return THIRD_PARTY_PORTS.entrySet()
			.stream()
			.filter(entry -> this.image.startsWith(entry.getKey()))
			.flatMap(entry -> entry.getValue().stream())
			.toList();
	}

}
