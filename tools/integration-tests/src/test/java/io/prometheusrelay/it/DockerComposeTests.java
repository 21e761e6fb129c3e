package io.prometheusrelay.it;

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
 * docker-compose.yml, without a Docker engine: Debian's docker-compose accepts it, and every
 * service's ports, health checks, environment and peers agree with what its application makes of
 * them (its own {@code @ConfigurationProperties}, bound by Spring), as do HAProxy's, Prometheus's
 * and the clients' settings.
 */
class DockerComposeTests {

	private static final Path COMPOSE = Repository.path("docker-compose.yml");

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
	void publishedPortsAndHealthChecksAreThePortsTheApplicationsListenOn() {
		relayServices.forEach((name, settings) -> {
			Map<String, Integer> ports = settings.ports();
			for (String mapping : ports(name)) {
				int containerPort = Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
				assertThat(ports).as("ports of %s", name).containsValue(containerPort);
			}
			if (ports.containsKey("http")) {
				assertThat(healthCheck(name)).as("health check of %s", name)
					.contains("http://localhost:" + ports.get("http") + "/actuator/health");
			}
		});
	}

	@Test
	void pipelineServicesRegisterWithTheConsulCluster() {
		for (String name : List.of("api-server-1", "api-server-2", "forwarder", "remote-receiver")) {
			ServiceSettings settings = relayServices.get(name);
			assertThat(settings.consulEnabled()).as("%s runs with the consul profile", name).isTrue();
			assertThat(services.get(settings.environment("CONSUL_HOST")).get("image").toString())
				.startsWith("hashicorp/consul:");
			assertThat(settings.environment("CONSUL_PORT")).isEqualTo("8500");
		}
		// Two api-servers, each with its own data.
		assertThat(volumes("api-server-1")).doesNotContainAnyElementsOf(volumes("api-server-2"));
	}

	@Test
	void haproxyAndItsClientAgreeWithTheApiServers() {
		Map<String, String> haproxy = environment(services.get("haproxy"));
		assertThat(haproxy.get("API_SERVER_CHECK_PORT"))
			.isEqualTo(relayServices.get("api-server-1").ports().get("http").toString())
			.isEqualTo(relayServices.get("api-server-2").ports().get("http").toString());
		String dnsHost = haproxy.get("DNS_SERVER").substring(0, haproxy.get("DNS_SERVER").indexOf(':'));
		assertThat(services.get(dnsHost).get("image").toString()).startsWith("hashicorp/consul:");
		assertThat(haproxy.get("DNS_SERVER")).endsWith(":8600");
		assertThat(volumes("haproxy")).contains("./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
		String bindPort = haproxy.get("HAPROXY_BIND").substring(haproxy.get("HAPROXY_BIND").lastIndexOf(':') + 1);
		assertThat(relayServices.get("grpc-client").environment("LB_ADDR")).isEqualTo("haproxy:" + bindPort);
	}

	@Test
	void theDemoAppDialsTheProxysRSocketPort() {
		ServiceSettings demo = relayServices.get("demo-app");
		assertThat(services).containsKey(demo.environment("PROXY_HOST"));
		assertThat(Integer.parseInt(demo.environment("PROXY_PORT")))
			.isEqualTo(relayServices.get(demo.environment("PROXY_HOST")).ports().get("rsocket-tcp"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void prometheusRemoteWritesToTheReceiverAndScrapesEveryServiceWhereItListens() throws Exception {
		assertThat(volumes("prometheus")).contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
		Path config = Repository.path("deploy/prometheus/prometheus.yml");
		PrometheusServer.checkConfig(config);
		Map<String, Object> prometheus;
		try (Reader reader = Files.newBufferedReader(config)) {
			prometheus = new Yaml().load(reader);
		}
		String remoteWrite = ((List<Map<String, Object>>) prometheus.get("remote_write")).get(0).get("url").toString();
		assertThat(remoteWrite).isEqualTo("http://remote-receiver:"
				+ relayServices.get("remote-receiver").ports().get("http") + "/api/v1/write");
		List<String> scraped = new ArrayList<>();
		for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
			for (Map<String, Object> staticConfig : (List<Map<String, Object>>) job.get("static_configs")) {
				for (Object target : (List<Object>) staticConfig.get("targets")) {
					String host = target.toString().substring(0, target.toString().indexOf(':'));
					int port = Integer.parseInt(target.toString().substring(target.toString().indexOf(':') + 1));
					if (!job.get("job_name").equals("prometheus")) {
						assertThat(relayServices.get(host).ports().get("http")).as(target.toString()).isEqualTo(port);
						scraped.add(host);
					}
				}
			}
		}
		assertThat(scraped).containsAll(relayServices.keySet().stream()
			.filter(name -> relayServices.get(name).ports().containsKey("http"))
			.toList());
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
