package io.prometheusrelay.it;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * docker-compose.yml, without a Docker engine: Debian's docker-compose accepts it, and it follows
 * the {@link DeploymentRules} (every application reads every setting it is given; every address the
 * file and the configuration it mounts name, published ports and health checks included, reaches a
 * port that something listens on).
 */
class DockerComposeTests {

	private static final Path COMPOSE = Repository.path("docker-compose.yml");

	private static Map<String, Map<String, Object>> services;

	private static List<DeployedProcess> processes;

	@TempDir
	Path workDir;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void load() throws Exception {
		try (Reader reader = Files.newBufferedReader(COMPOSE)) {
			services = (Map<String, Map<String, Object>>) new Yaml().<Map<String, Object>>load(reader).get("services");
		}
		processes = new ArrayList<>();
		for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
			processes.add(process(service.getKey(), service.getValue()));
		}
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
		assertThat(processes).filteredOn(DeployedProcess::isOurs)
			.extracting(DeployedProcess::image)
			.containsExactlyInAnyOrder("prometheus-relay/api-server", "prometheus-relay/api-server",
					"prometheus-relay/forwarder", "prometheus-relay/remote-receiver", "prometheus-relay/grpc-client",
					"prometheus-relay/proxy-server", "prometheus-relay/demo-app");
		assertThat(services).containsKeys("prometheus", "haproxy", "consul-server-1", "consul-server-2",
				"consul-server-3");
		assertThat(process("consul-server-1").published()).contains(8500);
	}

	@Test
	void followsTheDeploymentRules() {
		DeploymentRules.check(processes, Topology.of(processes));
	}

	@Test
	void pipelineServicesRegisterWithConsulAndHaproxyBalancesOverTheApiServers() {
		for (String name : List.of("api-server-1", "api-server-2", "forwarder", "remote-receiver")) {
			assertThat(process(name).settings().consulEnabled()).as("%s runs with the consul profile", name).isTrue();
		}
		// Two api-servers, each with its own data.
		assertThat(list("api-server-1", "volumes")).doesNotContainAnyElementsOf(list("api-server-2", "volumes"));
		assertThat(list("haproxy", "volumes")).contains("./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
	}

	@Test
	void prometheusRemoteWritesToTheReceiverAndScrapesEveryServiceWhereItListens() throws Exception {
		Path config = Repository.path("deploy/prometheus/prometheus.yml");
		PrometheusServer.checkConfig(config);
		assertThat(list("prometheus", "volumes")).contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
		assertThat(Files.readString(config)).contains("url: http://remote-receiver:");
		List<String> dialled = Topology.of(List.of(process("prometheus"))).dials().stream()
			.map(dial -> dial.host() + ":" + dial.port())
			.toList();
		for (DeployedProcess process : processes) {
			Integer http = process.isOurs() ? process.settings().ports().get("http") : null;
			if (http != null) {
				assertThat(dialled).as("Prometheus scrapes").contains(process.name() + ":" + http);
			}
		}
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

	/**
	 * A service as a process: built from this repository (its MODULE) or a third party's image; its
	 * command's arguments; its health check, command and mounted repository files as texts.
	 */
	@SuppressWarnings("unchecked")
	private static DeployedProcess process(String name, Map<String, Object> service) throws IOException {
		String image = (service.get("build") instanceof Map<?, ?> build)
				? DeployedProcess.OURS + ((Map<String, Object>) build.get("args")).get("MODULE")
				: String.valueOf(service.get("image"));
		Map<String, String> environment = new LinkedHashMap<>();
		((Map<String, Object>) service.getOrDefault("environment", Map.of()))
			.forEach((variable, value) -> environment.put(variable, String.valueOf(value)));
		List<String> args = (service.get("command") instanceof List<?> command)
				? command.stream().map(Object::toString).toList() : List.of();
		List<String> texts = new ArrayList<>(List.of(String.valueOf(service.getOrDefault("command", ""))));
		if (service.get("healthcheck") instanceof Map<?, ?> healthCheck) {
			texts.add(String.valueOf(healthCheck.get("test")));
		}
		for (Object volume : (List<Object>) service.getOrDefault("volumes", List.of())) {
			Path mounted = Repository.path(volume.toString().split(":")[0]);
			if (volume.toString().startsWith("./") && Files.isRegularFile(mounted)) {
				texts.add(Files.readString(mounted));
			}
		}
		List<Integer> published = ((List<Object>) service.getOrDefault("ports", List.of())).stream()
			.map(mapping -> Topology.portOf(mapping.toString()))
			.toList();
		return new DeployedProcess(name, name, image, environment, args, null, published, texts);
	}

	private static DeployedProcess process(String name) {
		return processes.stream().filter(process -> process.name().equals(name)).findFirst().orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private static List<String> list(String service, String key) {
		return ((List<Object>) services.get(service).getOrDefault(key, List.of())).stream().map(Object::toString).toList();
	}

}
