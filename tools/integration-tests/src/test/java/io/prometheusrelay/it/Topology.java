package io.prometheusrelay.it;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A deployment descriptor reduced to what can be held against the applications themselves: the
 * hosts it names, the ports each one listens on, and every address it tells anything to dial.
 * docker-compose.yml, the Kubernetes manifests and the local run each build one, so that one rule,
 * "every address reaches a port someone listens on", replaces a check per relationship.
 */
final class Topology {

	/** host:port or scheme://host:port, the host a DNS name or an IPv4 address. */
	private static final Pattern ADDRESS = Pattern
		.compile("(?<![\\w.-])([a-z_][a-z0-9_.-]*|\\d+\\.\\d+\\.\\d+\\.\\d+):(\\d{1,5})(?![\\w.])");

	private static final Set<String> ITSELF = Set.of("localhost", "127.0.0.1");

	private final Map<String, Set<Integer>> listening = new TreeMap<>();

	private final List<Dial> dials = new ArrayList<>();

	/** {@code from} is told to reach {@code host} at {@code port}. */
	record Dial(String from, String host, int port) {

		@Override
		public String toString() {
			return this.from + " dials " + this.host + ":" + this.port;
		}

	}

	/**
	 * Every process listening where its settings say, and dialling every address in its environment,
	 * arguments and texts, the ports the descriptor publishes on it, and the peers HAProxy checks:
	 * {@code X_CHECK_PORT} on X's host, or on every api-server where there is no X.
	 */
	static Topology of(List<DeployedProcess> processes) {
		Topology topology = new Topology();
		for (DeployedProcess process : processes) {
			topology.listens(process.host(), process.listening());
			String from = process.host();
			Map<String, String> environment = process.environment();
			environment.forEach((variable, value) -> {
				topology.dialsIn(from, value);
				String portVariable = variable.replaceFirst("_HOST$", "_PORT");
				if (!portVariable.equals(variable) && environment.containsKey(portVariable)) {
					topology.dials(from, value, Integer.parseInt(environment.get(portVariable)));
				}
				if (variable.endsWith("_CHECK_PORT")) {
					int port = Integer.parseInt(value);
					String peer = environment.get(variable.substring(0, variable.length() - "_CHECK_PORT".length()));
					if (peer != null) {
						topology.dials(from, peer.substring(0, peer.lastIndexOf(':')), port);
					}
					else {
						processes.stream()
							.filter(apiServer -> apiServer.image().startsWith(DeployedProcess.OURS + "api-server"))
							.forEach(apiServer -> topology.dials(from, apiServer.host(), port));
					}
				}
			});
			Stream.concat(process.args().stream(), process.texts().stream()).forEach(text -> topology.dialsIn(from, text));
			process.published().forEach(port -> topology.dials(from, from, port));
			if (process.declaredPorts() != null) {
				process.declaredPorts().values().forEach(port -> topology.dials(from, from, port));
			}
		}
		return topology;
	}

	/** {@code host} accepts connections on {@code ports}. */
	void listens(String host, Collection<Integer> ports) {
		this.listening.computeIfAbsent(host, (name) -> new TreeSet<>()).addAll(ports);
	}

	/** Every address in {@code text}, which {@code from} is given; comment lines are not read. */
	void dialsIn(String from, String text) {
		for (String line : text.split("\n")) {
			if (!line.strip().startsWith("#")) {
				Matcher address = ADDRESS.matcher(line);
				while (address.find()) {
					dials(from, address.group(1), Integer.parseInt(address.group(2)));
				}
			}
		}
	}

	/** {@code from} dials {@code host}; localhost is {@code from} itself. */
	void dials(String from, String host, int port) {
		this.dials.add(new Dial(from, ITSELF.contains(host) ? from : host, port));
	}

	/** The port of {@code host:port} or {@code *:port}, as HAProxy's bind variables and compose's mappings give it. */
	static int portOf(String address) {
		return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
	}

	List<Dial> dials() {
		return this.dials;
	}

	/** Each dial that reaches no one, and what the host it names does listen on. */
	List<String> unreachable() {
		List<String> unreachable = new ArrayList<>();
		for (Dial dial : this.dials) {
			Set<Integer> ports = this.listening.get(dial.host());
			if (ports == null) {
				unreachable.add(dial + ", a host the deployment does not have");
			}
			else if (!ports.contains(dial.port())) {
				unreachable.add(dial + ", where " + dial.host() + " listens on " + ports);
			}
		}
		return unreachable;
	}

}
