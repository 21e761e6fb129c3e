package io.prometheusrelay.it;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.prometheusrelay.testsupport.RealPeers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml, without a Docker engine: Debian's docker-compose accepts it, every
 * application reads every variable it is given, and every address the file and Prometheus's
 * configuration name (published ports, health checks, peers, scrape targets) reaches a port that
 * something listens on, by the applications' own {@code @ConfigurationProperties} bound by Spring.
 */
class DockerComposeTests {

	private static final Path COMPOSE = Repository.path("docker-compose.yml");

	private static final Path PROMETHEUS = Repository.path("deploy/prometheus/prometheus.yml");

	/** Where the images the file does not build listen, by their own defaults: Consul's HTTP API and DNS, Prometheus's web. */
	private static final Map<String, List<Integer>> THIRD_PARTY_PORTS = Map.of("hashicorp/consul:", List.of(8500, 8600),
			"prom/prometheus:", List.of(9090));

	private static Map<String, Map<String, Object>> services;

	/** The services built from this repository, by service name. */
	private static Map<String, ServiceSettings> relayServices;

	@TempDir
	Path workDir;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void load() throws Exception {
		try (Reader reader = Files.newBufferedReader(COMPOSE)) {
			services = (Map<String, Map<String, Object>>) new Yaml().<Map<String, Object>>load(reader).get("services");
		}
		relayServices = new LinkedHashMap<>();
		services.forEach((name, service) -> {
			if (service.get("build") instanceof Map<?, ?> build) {
				String module = (String) ((Map<String, Object>) build.get("args")).get("MODULE");
				List<String> args = (service.get("command") instanceof List<?> command)
						? command.stream().map(Object::toString).toList() : List.of();
				relayServices.put(name, new ServiceSettings(module, environment(service), args));
			}
		});
	}

	@Test
	void debiansDockerComposeAcceptsTheFile() throws Exception {
		Path binary = Path.of("/usr/bin/docker-compose");
		RealPeers.require(Files.isExecutable(binary),
				"Debian's docker-compose is not installed (apt-get install -y --no-install-recommends docker-compose); .ci/run installs it");
		Path errors = this.workDir.resolve("stderr");
		Process process = new ProcessBuilder(binary.toString(), "-f", COMPOSE.toString(), "config", "--quiet")
			.redirectOutput(this.workDir.resolve("stdout").toFile())
			.redirectError(errors.toFile())
			.start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(Files.readString(errors)).isZero();
		assertThat(Files.readString(errors)).isEmpty();
	}

	@Test
	void runsTheWholeTopology() {
		assertThat(relayServices.values()).extracting(settings -> settings.module)
			.containsExactlyInAnyOrder("api-server", "api-server", "forwarder", "remote-receiver", "grpc-client",
					"proxy-server", "demo-app");
		assertThat(services).containsKeys("prometheus", "haproxy", "consul-server-1", "consul-server-2",
				"consul-server-3");
		assertThat(ports("consul-server-1")).contains("8500:8500");
	}

	@Test
	void everyEnvironmentVariableIsOneItsApplicationReads() {
		relayServices.forEach((name, settings) -> assertThat(settings.ignoredEnvironment())
			.as("environment variables of %s that %s would ignore", name, settings.module)
			.isEmpty());
	}

	@Test
	void everyAddressReachesAPortSomethingListensOn() throws Exception {
		assertThat(topology().unreachable()).isEmpty();
	}

	@Test
	void pipelineServicesRegisterWithConsulAndHaproxyBalancesOverTheApiServers() {
		for (String name : List.of("api-server-1", "api-server-2", "forwarder", "remote-receiver")) {
			assertThat(relayServices.get(name).consulEnabled()).as("%s runs with the consul profile", name).isTrue();
		}
		// Two api-servers, each with its own data.
		assertThat(volumes("api-server-1")).doesNotContainAnyElementsOf(volumes("api-server-2"));
		assertThat(volumes("haproxy")).contains("./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
	}

	@Test
	void prometheusRemoteWritesToTheReceiverAndScrapesEveryServiceWhereItListens() throws Exception {
		PrometheusServer.checkConfig(PROMETHEUS);
		assertThat(volumes("prometheus")).contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
		List<String> dialled = topology().dials().stream()
			.filter(dial -> dial.from().equals("prometheus"))
			.map(dial -> dial.host() + ":" + dial.port())
			.toList();
		assertThat(Files.readString(PROMETHEUS)).contains("url: http://remote-receiver:");
		relayServices.forEach((name, settings) -> {
			if (settings.ports().containsKey("http")) {
				assertThat(dialled).as("Prometheus scrapes").contains(name + ":" + settings.ports().get("http"));
			}
		});
	}

	/**
	 * Who listens where, by the applications' own settings (Consul's and Prometheus's defaults,
	 * HAProxy's bind variables), and every address the file and Prometheus's configuration give.
	 */
	private static Topology topology() throws Exception {
		Topology topology = new Topology();
		services.forEach((name, service) -> {
			String image = String.valueOf(service.get("image"));
			ServiceSettings settings = relayServices.get(name);
			Map<String, String> environment = environment(service);
			if (settings != null) {
				topology.listens(name, settings.ports().values());
			}
			else if (image.startsWith("haproxy:")) {
				topology.listens(name, List.of(Topology.portOf(environment.get("HAPROXY_BIND")),
						Topology.portOf(environment.get("HAPROXY_STATS"))));
				// Its servers are the api-servers, health-checked on API_SERVER_CHECK_PORT.
				relayServices.forEach((peer, peerSettings) -> {
					if (peerSettings.module.equals("api-server")) {
						topology.dials(name, peer, Integer.parseInt(environment.get("API_SERVER_CHECK_PORT")));
					}
				});
			}
			THIRD_PARTY_PORTS.forEach((imagePrefix, ports) -> {
				if (image.startsWith(imagePrefix)) {
					topology.listens(name, ports);
				}
			});
			environment.forEach((variable, value) -> {
				topology.dialsIn(name, value);
				String portVariable = variable.replaceFirst("_HOST$", "_PORT");
				if (!portVariable.equals(variable) && environment.containsKey(portVariable)) {
					topology.dials(name, value, Integer.parseInt(environment.get(portVariable)));
				}
			});
			topology.dialsIn(name, String.valueOf(service.getOrDefault("command", "")));
			topology.dialsIn(name, healthCheck(name));
			ports(name).forEach(mapping -> topology.dials(name, name, Topology.portOf(mapping)));
		});
		topology.dialsIn("prometheus", Files.readString(PROMETHEUS));
		return topology;
	}

	@Test
	@SuppressWarnings("unchecked")
	void servicesWaitForHealthyPeersThatHaveHealthChecks() {
		services.forEach((name, service) -> {
			if (service.get("depends_on") instanceof Map<?, ?> dependsOn) {
				((Map<String, Map<String, Object>>) dependsOn).forEach((peer, condition) -> {
					assertThat(services).as("%s depends on %s", name, peer).containsKey(peer);
					if ("service_healthy".equals(condition.get("condition"))) {
						assertThat(services.get(peer)).as("%s waits for %s to be healthy", name, peer)
							.containsKey("healthcheck");
					}
				});
			}
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> environment(Map<String, Object> service) {
		Map<String, String> environment = new LinkedHashMap<>();
		((Map<String, Object>) service.getOrDefault("environment", Map.of()))
			.forEach((name, value) -> environment.put(name, String.valueOf(value)));
		return environment;
	}

	@SuppressWarnings("unchecked")
	private static List<String> ports(String service) {
		return ((List<Object>) services.get(service).getOrDefault("ports", List.of())).stream()
			.map(Object::toString)
			.toList();
	}

	@SuppressWarnings("unchecked")
	private static List<String> volumes(String service) {
		return ((List<Object>) services.get(service).getOrDefault("volumes", List.of())).stream()
			.map(Object::toString)
			.toList();
	}

	@SuppressWarnings("unchecked")
	private static String healthCheck(String service) {
		Map<String, Object> healthCheck = (Map<String, Object>) services.get(service).get("healthcheck");
		return (healthCheck != null) ? healthCheck.get("test").toString() : "";
	}

}
