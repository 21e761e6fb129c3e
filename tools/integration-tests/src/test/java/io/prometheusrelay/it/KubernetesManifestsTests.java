package io.prometheusrelay.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.prometheusrelay.apiserver.ApiServerProperties;
import io.prometheusrelay.it.KubernetesManifests.Workload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kubernetes, without a cluster: every manifest parses strictly into fabric8's typed
 * Kubernetes objects, and names, selectors, ports, probes, volumes and the settings the
 * applications, HAProxy, Prometheus and Grafana are given all line up.
 */
class KubernetesManifestsTests {

	private static final String NAMESPACE = "prometheus-relay";

	private static KubernetesManifests manifests;

	@TempDir
	Path workDir;

	@BeforeAll
	static void load() throws Exception {
		manifests = KubernetesManifests.load();
	}

	@Test
	void everyManifestIsAKnownKindWithOnlyKnownFields() {
		assertThat(manifests.all()).hasSizeGreaterThan(20);
		for (KubernetesManifests.Manifest manifest : manifests.all()) {
			String where = KubernetesManifests.ROOT.relativize(manifest.file()) + " "
					+ manifest.object().getKind() + "/" + manifest.object().getMetadata().getName();
			assertThat(KubernetesManifests.unknownFields(manifest.object(), where)).isEmpty();
		}
	}

	@Test
	void everyFolderHasItsPartAndEverythingIsInTheOneNamespace() {
		assertThat(manifests.in("proxy")).extracting(manifest -> manifest.object().getKind())
			.contains("Namespace", "Deployment", "Service", "HorizontalPodAutoscaler");
		assertThat(manifests.in("prometheus")).extracting(manifest -> manifest.object().getKind())
			.contains("ConfigMap", "ServiceAccount", "Role", "RoleBinding", "PersistentVolumeClaim", "Deployment",
					"Service");
		assertThat(manifests.in("grafana")).extracting(manifest -> manifest.object().getKind())
			.contains("ConfigMap", "Deployment", "Service");
		assertThat(manifests.in("pipeline")).extracting(manifest -> manifest.object().getKind())
			.contains("StatefulSet", "Deployment", "Service", "ConfigMap");
		assertThat(manifests.all(Namespace.class)).extracting(namespace -> namespace.getMetadata().getName())
			.containsExactly(NAMESPACE);
		Set<String> seen = new HashSet<>();
		for (KubernetesManifests.Manifest manifest : manifests.all()) {
			HasMetadata object = manifest.object();
			if (!(object instanceof Namespace)) {
				assertThat(object.getMetadata().getNamespace()).as(object.getKind() + "/" + object.getMetadata().getName())
					.isEqualTo(NAMESPACE);
			}
			assertThat(seen.add(object.getKind() + "/" + object.getMetadata().getName())).as("unique").isTrue();
		}
	}

	@Test
	void workloadsSelectTheirOwnPodsAndProbeDeclaredPorts() {
		for (Workload workload : manifests.workloads()) {
			assertThat(workload.podLabels()).as(workload.name())
				.containsAllEntriesOf(workload.selector().getMatchLabels())
				.containsEntry("app.kubernetes.io/name", workload.name());
			for (Container container : workload.containers()) {
				assertThat(container.getResources().getRequests()).as(workload.name() + " requests").isNotEmpty();
				// Everything that serves has readiness and liveness; grpc-client is a client.
				if (!workload.name().equals("grpc-client")) {
					assertThat(container.getReadinessProbe()).as(workload.name() + " readiness").isNotNull();
					assertThat(container.getLivenessProbe()).as(workload.name() + " liveness").isNotNull();
				}
				for (Probe probe : probes(container)) {
					IntOrString port = (probe.getHttpGet() != null) ? probe.getHttpGet().getPort()
							: probe.getTcpSocket().getPort();
					assertThat(workload.port(port)).as(workload.name() + " probes port " + port).isNotNull();
				}
			}
		}
	}

	@Test
	void servicesSelectOneWorkloadAndTargetItsDeclaredPorts() {
		for (Service service : manifests.all(Service.class)) {
			List<Workload> selected = manifests.selectedBy(service);
			assertThat(selected).as(service.getMetadata().getName() + " selects").hasSize(1);
			for (ServicePort port : service.getSpec().getPorts()) {
				ContainerPort target = selected.get(0).port(port.getTargetPort());
				assertThat(target).as(service.getMetadata().getName() + " port " + port.getName()).isNotNull();
				assertThat(port.getName()).isEqualTo(target.getName());
			}
		}
	}

	@Test
	void volumesServiceAccountsAndRolesExist() {
		for (Workload workload : manifests.workloads()) {
			Set<String> volumes = new HashSet<>();
			for (Volume volume : workload.template().getSpec().getVolumes()) {
				volumes.add(volume.getName());
				if (volume.getConfigMap() != null) {
					ConfigMap configMap = manifests.named(ConfigMap.class, volume.getConfigMap().getName());
					for (KeyToPath item : volume.getConfigMap().getItems()) {
						assertThat(configMap.getData()).containsKey(item.getKey());
					}
				}
				if (volume.getPersistentVolumeClaim() != null) {
					manifests.named(PersistentVolumeClaim.class, volume.getPersistentVolumeClaim().getClaimName());
				}
			}
			if (workload.object() instanceof StatefulSet statefulSet) {
				statefulSet.getSpec().getVolumeClaimTemplates().forEach(claim -> volumes.add(claim.getMetadata().getName()));
			}
			for (Container container : workload.containers()) {
				container.getVolumeMounts()
					.forEach(mount -> assertThat(volumes).as(workload.name() + " mounts").contains(mount.getName()));
			}
			String account = workload.template().getSpec().getServiceAccountName();
			if (account != null) {
				manifests.named(ServiceAccount.class, account);
			}
		}
		for (RoleBinding binding : manifests.all(RoleBinding.class)) {
			Role role = manifests.named(Role.class, binding.getRoleRef().getName());
			binding.getSubjects().forEach(subject -> manifests.named(ServiceAccount.class, subject.getName()));
			assertThat(role.getRules().get(0).getVerbs()).contains("list", "watch");
		}
	}

	@Test
	void theProxyScalesFromThreePodsReachableOverTcpAndWebSocket() {
		Workload proxy = manifests.workload("proxy-server");
		assertThat(proxy.replicas()).isEqualTo(3);
		HorizontalPodAutoscaler autoscaler = manifests.named(HorizontalPodAutoscaler.class, "proxy-server");
		assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
		assertThat(manifests.named(Deployment.class, autoscaler.getSpec().getScaleTargetRef().getName())).isNotNull();
		assertThat(autoscaler.getSpec().getMinReplicas()).isEqualTo(proxy.replicas());
		assertThat(autoscaler.getSpec().getMaxReplicas()).isGreaterThan(proxy.replicas());
		assertThat(manifests.named(Service.class, "proxy-server").getSpec().getPorts()).extracting(ServicePort::getName)
			.contains("rsocket-tcp", "rsocket-ws");
	}

	@Test
	void applicationsAreGivenOnlySettingsTheyReadAndListenWhereTheirPortsAreDeclared() {
		for (Workload workload : manifests.workloads()) {
			for (Container container : workload.containers()) {
				if (!container.getImage().startsWith("prometheus-relay/")) {
					continue;
				}
				ServiceSettings settings = settings(container);
				assertThat(settings.ignoredEnvironment()).as(workload.name() + " environment it would ignore").isEmpty();
				Map<String, Integer> declared = new LinkedHashMap<>();
				container.getPorts().forEach(port -> declared.put(port.getName(), port.getContainerPort()));
				assertThat(declared).as(workload.name() + " container ports").isEqualTo(settings.ports());
			}
		}
	}

	@Test
	void thePipelineIsWiredByStableNamesAndSrvRecords() throws Exception {
		StatefulSet apiServers = manifests.named(StatefulSet.class, "api-server");
		Service headless = manifests.named(Service.class, apiServers.getSpec().getServiceName());
		assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
		assertThat(manifests.selectedBy(headless)).extracting(Workload::name).containsExactly("api-server");
		Map<String, Integer> apiServerPorts = settings(manifests.workload("api-server").containers().get(0)).ports();

		// The forwarder fans out to every api-server pod by its stable name, on its relay port.
		List<String> expectedTargets = IntStream.range(0, apiServers.getSpec().getReplicas())
			.mapToObj(i -> "http://api-server-" + i + "." + headless.getMetadata().getName() + ":"
					+ apiServerPorts.get("relay"))
			.toList();
		assertThat(settings(manifests.workload("forwarder").containers().get(0)).staticInstances("api-server"))
			.isEqualTo(expectedTargets);
		// Each api-server catches up from every pod (itself included, which it skips), on its gRPC port.
		List<String> expectedPeers = IntStream.range(0, apiServers.getSpec().getReplicas())
			.mapToObj(i -> "http://api-server-" + i + "." + headless.getMetadata().getName() + ":"
					+ apiServerPorts.get("grpc"))
			.toList();
		assertThat(settings(manifests.workload("api-server").containers().get(0))
			.staticInstances(ApiServerProperties.CatchUp.DEFAULT_SERVICE_ID)).isEqualTo(expectedPeers);
		// The receivers reach the forwarders through their Service, on its relay port.
		assertThat(settings(manifests.workload("remote-receiver").containers().get(0)).staticInstances("forwarder"))
			.containsExactly("http://forwarder:" + servicePort("forwarder", "relay"));

		// HAProxy: the repository's haproxy.cfg, resolving the headless Service's SRV records for gRPC.
		assertThat(manifests.named(ConfigMap.class, "haproxy-config").getData().get("haproxy.cfg"))
			.isEqualTo(Files.readString(Repository.path("deploy/haproxy/haproxy.cfg")));
		Container haproxy = manifests.workload("haproxy").containers().get(0);
		Map<String, String> environment = environment(haproxy);
		assertThat(environment.get("API_SERVERS_SRV"))
			.isEqualTo("_" + servicePortNamed(headless, "grpc").getName() + "._tcp." + headless.getMetadata().getName()
					+ "." + NAMESPACE + ".svc.cluster.local");
		assertThat(servicePortNamed(headless, "grpc").getPort()).isEqualTo(apiServerPorts.get("grpc"));
		assertThat(environment.get("API_SERVER_CHECK_PORT")).isEqualTo(apiServerPorts.get("http").toString());
		assertThat(environment.get("DNS_SERVER")).isEqualTo("kube-dns.kube-system.svc.cluster.local:53");
		assertThat(environment.get("HAPROXY_BIND")).endsWith(":" + containerPort(haproxy, "grpc"));
		assertThat(environment.get("HAPROXY_STATS")).endsWith(":" + containerPort(haproxy, "stats"));

		// grpc-client reads through HAProxy's Service.
		assertThat(settings(manifests.workload("grpc-client").containers().get(0)).environment("LB_ADDR"))
			.isEqualTo("haproxy:" + servicePort("haproxy", "grpc"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void prometheusScrapesEveryProxyPodAndRemoteWritesToTheReceiver() throws Exception {
		String text = manifests.named(ConfigMap.class, "prometheus-config").getData().get("prometheus.yml");
		Path config = this.workDir.resolve("prometheus.yml");
		Files.writeString(config, text);
		PrometheusServer.checkConfig(config);

		Map<String, Object> prometheus = new Yaml().load(text);
		assertThat(((List<Map<String, Object>>) prometheus.get("remote_write")).get(0).get("url"))
			.isEqualTo("http://remote-receiver." + NAMESPACE + ".svc:" + servicePort("remote-receiver", "http")
					+ "/api/v1/write");
		Map<String, Map<String, Object>> jobs = new HashMap<>();
		((List<Map<String, Object>>) prometheus.get("scrape_configs"))
			.forEach(job -> jobs.put((String) job.get("job_name"), job));
		assertThat(jobs.get("rsocket-connected")).containsEntry("metrics_path", "/metrics/connected")
			.containsEntry("honor_labels", true);
		assertThat(jobs.get("rsocket-proxy")).containsEntry("metrics_path", "/metrics/proxy");
		assertThat(scrapedWorkloads(jobs.get("rsocket-connected"))).containsExactly("proxy-server");
		assertThat(scrapedWorkloads(jobs.get("rsocket-proxy"))).containsExactly("proxy-server");
		assertThat(scrapedWorkloads(jobs.get("relay"))).containsExactlyInAnyOrder("api-server", "forwarder",
				"remote-receiver");

		Deployment deployment = manifests.named(Deployment.class, "prometheus");
		assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("prometheus");
		assertThat(manifests.named(Role.class, "prometheus-discovery").getRules().get(0).getResources())
			.contains("pods");
	}

	@Test
	void grafanaReadsPrometheusAndIsProvisionedWithTheProxyDashboard() throws Exception {
		ConfigMap provisioning = manifests.named(ConfigMap.class, "grafana-provisioning");
		assertThat(provisioning.getData().get("datasources.yaml"))
			.contains("url: http://prometheus." + NAMESPACE + ".svc:" + servicePort("prometheus", "web"));
		// The example dashboard, whose every metric ProxyServerTests checks the proxy exports.
		assertThat(manifests.named(ConfigMap.class, "grafana-dashboards").getData().get("proxy.json"))
			.isEqualTo(Files.readString(Repository.moduleFile("proxy-server", "examples/grafana-dashboard.json")));
		assertThat(provisioning.getData().get("dashboards.yaml")).contains("path: /var/lib/grafana/dashboards");
		Container grafana = manifests.workload("grafana").containers().get(0);
		assertThat(grafana.getVolumeMounts()).anyMatch(mount -> mount.getMountPath().equals("/var/lib/grafana/dashboards"));
	}

	/** The workloads a job's kubernetes_sd keep rule ("name;port-name") picks, checked to serve on that port. */
	@SuppressWarnings("unchecked")
	private static List<String> scrapedWorkloads(Map<String, Object> job) {
		List<Map<String, Object>> relabels = (List<Map<String, Object>>) job.get("relabel_configs");
		Map<String, Object> keep = relabels.get(0);
		assertThat(keep).containsEntry("action", "keep");
		List<String> sources = (List<String>) keep.get("source_labels");
		// Prometheus's name for a pod label: every character but [a-zA-Z0-9_] made "_".
		String label = sources.get(0).substring("__meta_kubernetes_pod_label_".length());
		String[] wanted = keep.get("regex").toString().split(";");
		List<String> scraped = new ArrayList<>();
		for (Workload workload : manifests.workloads()) {
			String value = workload.podLabels()
				.entrySet()
				.stream()
				.filter(entry -> entry.getKey().replaceAll("[^a-zA-Z0-9_]", "_").equals(label))
				.map(Map.Entry::getValue)
				.findFirst()
				.orElse(null);
			if (wanted[0].equals(value)) {
				assertThat(workload.port(new IntOrString(wanted[1]))).as(workload.name() + " port " + wanted[1])
					.isNotNull();
				scraped.add(workload.name());
			}
		}
		return scraped;
	}

	private static ServiceSettings settings(Container container) {
		return new ServiceSettings(ServiceSettings.moduleOfImage(container.getImage()), environment(container),
				(container.getArgs() != null) ? container.getArgs() : List.of());
	}

	private static Map<String, String> environment(Container container) {
		Map<String, String> environment = new LinkedHashMap<>();
		for (EnvVar variable : container.getEnv()) {
			environment.put(variable.getName(), variable.getValue());
		}
		return environment;
	}

	private static List<Probe> probes(Container container) {
		List<Probe> probes = new ArrayList<>();
		for (Probe probe : new Probe[] { container.getStartupProbe(), container.getLivenessProbe(),
				container.getReadinessProbe() }) {
			if (probe != null) {
				probes.add(probe);
			}
		}
		return probes;
	}

	private static int servicePort(String service, String name) {
		return servicePortNamed(manifests.named(Service.class, service), name).getPort();
	}

	private static ServicePort servicePortNamed(Service service, String name) {
		return service.getSpec()
			.getPorts()
			.stream()
			.filter(port -> name.equals(port.getName()))
			.findFirst()
			.orElseThrow(() -> new AssertionError(service.getMetadata().getName() + " has no port " + name));
	}

	private static int containerPort(Container container, String name) {
		return container.getPorts()
			.stream()
			.filter(port -> name.equals(port.getName()))
			.findFirst()
			.orElseThrow(() -> new AssertionError(container.getName() + " has no port " + name))
			.getContainerPort();
	}

}
