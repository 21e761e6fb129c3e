package io.prometheusrelay.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
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
 * Kubernetes objects; names, selectors, probes and volumes resolve; every application reads every
 * setting it is given and declares the ports it listens on; and every address the manifests name
 * reaches a port something listens on.
 */
class KubernetesManifestsTests {

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
	void everythingIsInTheOneNamespaceUnderAUniqueName() {
		assertThat(manifests.all(Namespace.class)).extracting(namespace -> namespace.getMetadata().getName())
			.containsExactly(KubernetesManifests.NAMESPACE);
		Set<String> seen = new HashSet<>();
		for (KubernetesManifests.Manifest manifest : manifests.all()) {
			HasMetadata object = manifest.object();
			String name = object.getKind() + "/" + object.getMetadata().getName();
			if (!(object instanceof Namespace)) {
				assertThat(object.getMetadata().getNamespace()).as(name).isEqualTo(KubernetesManifests.NAMESPACE);
			}
			assertThat(seen.add(name)).as(name + " is unique").isTrue();
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
	void volumesServiceAccountsRolesAndScaleTargetsExist() {
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
		for (HorizontalPodAutoscaler autoscaler : manifests.all(HorizontalPodAutoscaler.class)) {
			Deployment target = manifests.named(Deployment.class, autoscaler.getSpec().getScaleTargetRef().getName());
			assertThat(autoscaler.getSpec().getMinReplicas()).isEqualTo(target.getSpec().getReplicas());
		}
	}

	@Test
	void followsTheDeploymentRules() {
		DeploymentRules.check(manifests.processes(), manifests.topology());
	}

	@Test
	void theForwarderFansOutToEveryApiServerPodAndEachCatchesUpFromEveryOther() throws Exception {
		StatefulSet apiServers = manifests.named(StatefulSet.class, "api-server");
		Service headless = manifests.named(Service.class, apiServers.getSpec().getServiceName());
		assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
		Map<String, Integer> apiServerPorts = settings("api-server").ports();
		// By each pod's stable name, on the relay port; and for catch-up, itself included (it skips itself), on gRPC.
		assertThat(settings("forwarder").staticInstances("api-server"))
			.isEqualTo(podUris(apiServers, headless, apiServerPorts.get("relay")));
		assertThat(settings("api-server").staticInstances(ApiServerProperties.CatchUp.DEFAULT_SERVICE_ID))
			.isEqualTo(podUris(apiServers, headless, apiServerPorts.get("grpc")));
		// The receivers reach the forwarder pods through their Service's relay port.
		Map<String, Integer> forwarderPorts = settings("forwarder").ports();
		String forwarderUri = settings("remote-receiver").staticInstances("forwarder").get(0);
		assertThat(manifests.named(Service.class, "forwarder").getSpec().getPorts())
			.filteredOn(port -> forwarderUri.equals("http://forwarder:" + port.getPort()))
			.extracting(port -> manifests.workload("forwarder").port(port.getTargetPort()).getContainerPort())
			.containsExactly(forwarderPorts.get("relay"));
		// HAProxy runs the repository's haproxy.cfg and balances over the SRV records of the pods' gRPC port.
		assertThat(manifests.named(ConfigMap.class, "haproxy-config").getData().get("haproxy.cfg"))
			.isEqualTo(Files.readString(Repository.path("deploy/haproxy/haproxy.cfg")));
		assertThat(process("haproxy").environment().get("API_SERVERS_SRV"))
			.isEqualTo("_grpc._tcp." + headless.getMetadata().getName() + "." + KubernetesManifests.NAMESPACE + ".svc.cluster.local");
		assertThat(headless.getSpec().getPorts()).extracting(ServicePort::getName).contains("grpc");
	}

	@Test
	@SuppressWarnings("unchecked")
	void prometheusScrapesEveryProxyPodAndRemoteWritesToTheReceiver() throws Exception {
		String text = manifests.named(ConfigMap.class, "prometheus-config").getData().get("prometheus.yml");
		Path config = this.workDir.resolve("prometheus.yml");
		Files.writeString(config, text);
		PrometheusServer.checkConfig(config);

		Map<String, Object> prometheus = new Yaml().load(text);
		assertThat(((List<Map<String, Object>>) prometheus.get("remote_write")).get(0).get("url").toString())
			.startsWith("http://remote-receiver.");
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
		assertThat(provisioning.getData().get("datasources.yaml")).contains("url: http://prometheus.");
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

	private static DeployedProcess process(String workload) {
		return manifests.processes().stream().filter(process -> process.name().equals(workload)).findFirst().orElseThrow();
	}

	private static ServiceSettings settings(String workload) {
		return process(workload).settings();
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

	private static List<String> podUris(StatefulSet statefulSet, Service headless, int port) {
		return IntStream.range(0, statefulSet.getSpec().getReplicas())
			.mapToObj(i -> "http://" + statefulSet.getMetadata().getName() + "-" + i + "." + headless.getMetadata().getName()
					+ ":" + port)
			.toList();
	}

}
