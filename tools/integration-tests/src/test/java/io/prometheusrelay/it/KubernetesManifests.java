package io.prometheusrelay.it;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The manifests of {@code deploy/kubernetes}, parsed by fabric8's model into typed Kubernetes
 * objects, with the lookups the checks need (a workload's pods, the container port a Service or
 * probe names, the workload a Service selects), and the cluster they describe as the
 * {@link DeploymentRules} read it: its processes and its {@link Topology}.
 */
final class KubernetesManifests {

	static final Path ROOT = Repository.path("deploy/kubernetes");

	static final String NAMESPACE = "prometheus-relay";

	private static final String CLUSTER_DNS = "kube-dns.kube-system.svc.cluster.local";

	/** The folders, in the order the README applies them. */
	static final List<String> FOLDERS = List.of("proxy", "prometheus", "grafana", "pipeline");

	/** One object, and where it was read from. */
	record Manifest(Path file, HasMetadata object) {
	}

	/** A Deployment or StatefulSet: what the checks need of either. */
	record Workload(HasMetadata object, int replicas, LabelSelector selector, PodTemplateSpec template) {

		String name() {
			return this.object.getMetadata().getName();
		}

		Map<String, String> podLabels() {
			return this.template.getMetadata().getLabels();
		}

		List<Container> containers() {
			return this.template.getSpec().getContainers();
		}

		/** The container port a Service's targetPort or a probe's port names, by name or number. */
		ContainerPort port(IntOrString port) {
			return containers().stream()
				.flatMap(container -> container.getPorts().stream())
				.filter(candidate -> (port.getStrVal() != null) ? port.getStrVal().equals(candidate.getName())
						: Objects.equals(port.getIntVal(), candidate.getContainerPort()))
				.findFirst()
				.orElse(null);
		}

		boolean selectedBy(Map<String, String> selector) {
			return selector != null && !selector.isEmpty() && podLabels().entrySet().containsAll(selector.entrySet());
		}

	}

	private final List<Manifest> manifests;

	private KubernetesManifests(List<Manifest> manifests) {
		this.manifests = manifests;
	}

	/** Every object of every .yaml file of the folders; documents are separated by "---" lines. */
	static KubernetesManifests load() throws IOException {
		KubernetesSerialization serialization = new KubernetesSerialization();
		List<Manifest> manifests = new ArrayList<>();
		for (String folder : FOLDERS) {
			List<Path> files;
			try (Stream<Path> listing = Files.list(ROOT.resolve(folder))) {
				files = listing.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
			}
			for (Path file : files) {
				for (String document : Files.readString(file).split("(?m)^---$")) {
					if (!document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
						manifests.add(new Manifest(file, serialization.unmarshal(document)));
					}
				}
			}
		}
		return new KubernetesManifests(manifests);
	}

	List<Manifest> all() {
		return this.manifests;
	}

	List<Manifest> in(String folder) {
		return this.manifests.stream().filter(manifest -> manifest.file().getParent().endsWith(folder)).toList();
	}

	<T extends HasMetadata> List<T> all(Class<T> type) {
		return this.manifests.stream().map(Manifest::object).filter(type::isInstance).map(type::cast).toList();
	}

	<T extends HasMetadata> T named(Class<T> type, String name) {
		return all(type).stream()
			.filter(object -> object.getMetadata().getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
	}

	List<Workload> workloads() {
		List<Workload> workloads = new ArrayList<>();
		for (Deployment deployment : all(Deployment.class)) {
			workloads.add(new Workload(deployment, deployment.getSpec().getReplicas(),
					deployment.getSpec().getSelector(), deployment.getSpec().getTemplate()));
		}
		for (StatefulSet statefulSet : all(StatefulSet.class)) {
			workloads.add(new Workload(statefulSet, statefulSet.getSpec().getReplicas(),
					statefulSet.getSpec().getSelector(), statefulSet.getSpec().getTemplate()));
		}
		return workloads;
	}

	Workload workload(String name) {
		return workloads().stream()
			.filter(workload -> workload.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no workload named " + name));
	}

	/** The workloads whose pods a Service's selector picks. */
	List<Workload> selectedBy(Service service) {
		return workloads().stream().filter(workload -> workload.selectedBy(service.getSpec().getSelector())).toList();
	}

	/** Every container as a process, reached as its pod ("pod/name"), with the ConfigMaps its pod mounts as texts. */
	List<DeployedProcess> processes() {
		List<DeployedProcess> processes = new ArrayList<>();
		for (Workload workload : workloads()) {
			List<String> mounted = new ArrayList<>();
			for (Volume volume : workload.template().getSpec().getVolumes()) {
				if (volume.getConfigMap() != null) {
					mounted.addAll(named(ConfigMap.class, volume.getConfigMap().getName()).getData().values());
				}
			}
			for (Container container : workload.containers()) {
				Map<String, String> environment = new LinkedHashMap<>();
				container.getEnv().forEach(variable -> environment.put(variable.getName(), variable.getValue()));
				Map<String, Integer> declared = new LinkedHashMap<>();
				container.getPorts().forEach(port -> declared.put(port.getName(), port.getContainerPort()));
				processes.add(new DeployedProcess(workload.name(), "pod/" + workload.name(), container.getImage(),
						environment, (container.getArgs() != null) ? container.getArgs() : List.of(), declared, List.of(),
						mounted));
			}
		}
		return processes;
	}

	/**
	 * Who listens where: each pod as {@link Topology#of} has it, each Service name on the ports that
	 * target one of its pods' ports, each pod of a headless Service under its own name, and the
	 * cluster's DNS.
	 */
	Topology topology() {
		Topology topology = Topology.of(processes());
		topology.listens(CLUSTER_DNS, List.of(53));
		for (Service service : all(Service.class)) {
			String name = service.getMetadata().getName();
			for (Workload workload : selectedBy(service)) {
				for (ServicePort port : service.getSpec().getPorts()) {
					ContainerPort target = workload.port(port.getTargetPort());
					if (target != null) {
						clusterNames(name).forEach(host -> topology.listens(host, List.of(port.getPort())));
						if ("None".equals(service.getSpec().getClusterIP())) {
							IntStream.range(0, workload.replicas())
								.forEach(i -> clusterNames(workload.name() + "-" + i + "." + name)
									.forEach(host -> topology.listens(host, List.of(target.getContainerPort()))));
						}
					}
				}
			}
		}
		return topology;
	}

	/** The names a Service (or a pod of a headless one) has in cluster DNS, from within the namespace. */
	static List<String> clusterNames(String name) {
		return List.of(name, name + "." + NAMESPACE, name + "." + NAMESPACE + ".svc",
				name + "." + NAMESPACE + ".svc.cluster.local");
	}

	/**
	 * Fields the model does not know, by path: fabric8 keeps them aside instead of failing, so a
	 * misspelt or misplaced field would otherwise go unnoticed until kubectl refuses it.
	 */
	static List<String> unknownFields(Object value, String path) {
		List<String> unknown = new ArrayList<>();
		collectUnknownFields(value, path, unknown);
		if (value instanceof GenericKubernetesResource) {
			unknown.add(path + ": a kind fabric8's model does not know");
		}
		return unknown;
	}

	private static void collectUnknownFields(Object value, String path, List<String> unknown) {
		if (value instanceof Collection<?> collection) {
			int index = 0;
			for (Object element : collection) {
				collectUnknownFields(element, path + "[" + index++ + "]", unknown);
			}
			return;
		}
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, element) -> collectUnknownFields(element, path + "." + key, unknown));
			return;
		}
		if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
			return;
		}
		for (Method getter : value.getClass().getMethods()) {
			String name = getter.getName();
			if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !name.startsWith("get")
					|| name.equals("getClass")) {
				continue;
			}
			Object field;
			try {
				field = getter.invoke(value);
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(path + "." + name, ex);
			}
			if (name.equals("getAdditionalProperties")) {
				if (field instanceof Map<?, ?> additional && !additional.isEmpty()) {
					unknown.add(path + ": " + additional.keySet());
				}
			}
			else {
				collectUnknownFields(field, path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4),
						unknown);
			}
		}
	}

}
