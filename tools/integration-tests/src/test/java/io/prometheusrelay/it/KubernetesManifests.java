package io.prometheusrelay.it;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The manifests of {@code deploy/kubernetes}, parsed by fabric8's model into typed Kubernetes
 * objects, with the lookups the checks need: a workload's pods, the container port a Service or
 * probe names, the workload a Service selects.
 */
final class KubernetesManifests {

	static final Path ROOT = Repository.path("deploy/kubernetes");

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
