package io.prometheusrelay.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheusrelay.apiserver.ApiServerApplication;
import io.prometheusrelay.apiserver.ApiServerProperties;
import io.prometheusrelay.forwarder.ForwarderApplication;
import io.prometheusrelay.forwarder.ForwarderProperties;
import io.prometheusrelay.proxy.ProxyProperties;
import io.prometheusrelay.proxy.ProxyServerApplication;
import io.prometheusrelay.receiver.ReceiverApplication;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * What one of this repository's applications makes of the environment and arguments a deployment
 * descriptor (docker-compose.yml, a Kubernetes manifest, the local run) gives it, worked out by
 * Spring's own binder and the applications' own {@code @ConfigurationProperties} classes with their
 * defaults: the ports it listens on, the peers it is told about, and the settings it would ignore.
 */
final class ServiceSettings {

	/** The repository's modules that a descriptor runs, with the property prefix each one owns. */
	private static final Map<String, String> OWN_PREFIX = Map.of("api-server", "relay.api-server", "forwarder",
			"relay.forwarder", "remote-receiver", "relay.receiver", "proxy-server", "relay.proxy", "demo-app",
			"management.metrics.export.prometheus.rsocket", "grpc-client", "");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

	/** grpc-client's own command line (picocli): the option names it declares, and the variables its defaults come from. */
	private static final Pattern CLIENT_OPTIONS = Pattern
		.compile("names = (?:\\{ \"-h\", )?\"--([a-z-]+)\"|\"--[a-z-]+\",\\s*\"([A-Z][A-Z0-9_]+)\"");

	private static final Path CONSUL_PROFILE = Repository.moduleFile("pipeline-boot",
			"src/main/resources/application-consul.properties");

	/**
	 * Where each module reads settings of its own: the ${PLACEHOLDER}s of its properties files, and
	 * grpc-client's variables and options.
	 */
	private static final Map<String, Map<Path, Pattern>> OWN_SETTINGS = Map.of("api-server",
			Map.of(CONSUL_PROFILE, PLACEHOLDER), "forwarder", Map.of(CONSUL_PROFILE, PLACEHOLDER), "remote-receiver",
			Map.of(CONSUL_PROFILE, PLACEHOLDER), "demo-app",
			Map.of(Repository.moduleFile("demo-app", "src/main/resources/application.properties"), PLACEHOLDER),
			"grpc-client", Map.of(Repository.moduleFile("grpc-client",
					"src/main/java/io/prometheusrelay/grpcclient/ClientOptions.java"), CLIENT_OPTIONS));

	private static volatile Set<String> metadataNames;

	final String module;

	private final Map<String, Object> environment;

	private final List<String> args;

	private final Binder binder;

	ServiceSettings(String module, Map<String, String> environment, List<String> args) {
		if (!OWN_PREFIX.containsKey(module)) {
			throw new IllegalArgumentException("not a module a descriptor runs: " + module);
		}
		this.module = module;
		this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
		this.args = List.copyOf(args);
		MutablePropertySources sources = new MutablePropertySources();
		sources.addLast(new SimpleCommandLinePropertySource(args.toArray(String[]::new)));
		sources.addLast(new SystemEnvironmentPropertySource("environment", this.environment));
		this.binder = new Binder(ConfigurationPropertySources.from(sources));
	}

	/** The ports the application listens on, by the names the descriptors give them. */
	Map<String, Integer> ports() {
		Map<String, Integer> ports = new LinkedHashMap<>();
		switch (this.module) {
			case "api-server" -> {
				ports.put("http", httpPort(ApiServerApplication.DEFAULT_HTTP_PORT));
				ApiServerProperties properties = this.binder.bindOrCreate("relay.api-server", ApiServerProperties.class);
				ports.put("relay", properties.getRelay().getPort());
				ports.put("grpc", properties.getGrpc().getPort());
			}
			case "forwarder" -> {
				ports.put("http", httpPort(ForwarderApplication.DEFAULT_HTTP_PORT));
				ports.put("relay", this.binder.bindOrCreate("relay.forwarder", ForwarderProperties.class).getRelay().getPort());
			}
			case "remote-receiver" -> ports.put("http", httpPort(ReceiverApplication.DEFAULT_HTTP_PORT));
			case "proxy-server" -> {
				ports.put("http", httpPort(ProxyServerApplication.DEFAULT_HTTP_PORT));
				ProxyProperties properties = this.binder.bindOrCreate("relay.proxy", ProxyProperties.class);
				ports.put("rsocket-tcp", properties.getTcpPort());
				ports.put("rsocket-ws", properties.getWebsocketPort());
			}
			default -> {
				// grpc-client and demo-app listen on nothing.
			}
		}
		return ports;
	}

	private int httpPort(int defaultPort) {
		return this.binder.bind("server.port", Integer.class).orElse(defaultPort);
	}

	/** The static instances of a service the application is told about ("api-server" to the forwarder). */
	List<String> staticInstances(String serviceId) {
		SimpleDiscoveryProperties discovery = this.binder.bindOrCreate("spring.cloud.discovery.client.simple",
				SimpleDiscoveryProperties.class);
		List<String> uris = new ArrayList<>();
		for (InstanceProperties instance : discovery.getInstances().getOrDefault(serviceId, List.of())) {
			uris.add(instance.getUri().toString());
		}
		return uris;
	}

	/** Whether the application runs with Consul discovery: the "consul" profile. */
	boolean consulEnabled() {
		return this.binder.bind("spring.profiles.active", String[].class)
			.map(profiles -> List.of(profiles).contains("consul"))
			.orElse(false);
	}

	/**
	 * The environment variables and {@code --name=value} arguments the application would not read:
	 * neither a property it or Spring knows (by Spring's relaxed binding), nor a variable it reads
	 * itself.
	 */
	Set<String> ignoredSettings() {
		Set<String> ignored = new TreeSet<>();
		Set<String> own = ownSettings();
		for (String variable : this.environment.keySet()) {
			if (!own.contains(variable) && !bindsToAKnownProperty(ConfigurationPropertySource
				.from(new SystemEnvironmentPropertySource("one", Map.of(variable, "value"))))) {
				ignored.add(variable);
			}
		}
		for (String argument : this.args) {
			String option = argument.replaceFirst("^--", "").replaceFirst("=.*", "");
			if (argument.startsWith("--") && !own.contains(option) && !bindsToAKnownProperty(ConfigurationPropertySource
				.from(new SimpleCommandLinePropertySource(argument)))) {
				ignored.add(argument);
			}
		}
		return ignored;
	}

	private boolean bindsToAKnownProperty(ConfigurationPropertySource source) {
		String ownPrefix = OWN_PREFIX.get(this.module);
		for (String name : metadataNames()) {
			// Another module's relay.* properties are not this one's.
			if (name.startsWith("relay.") && (ownPrefix.isEmpty() || !name.startsWith(ownPrefix))) {
				continue;
			}
			ConfigurationPropertyName propertyName = ConfigurationPropertyName.of(name);
			if (source.getConfigurationProperty(propertyName) != null
					|| source.containsDescendantOf(propertyName) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}

	private Set<String> ownSettings() {
		Set<String> names = new HashSet<>();
		OWN_SETTINGS.getOrDefault(this.module, Map.of()).forEach((file, pattern) -> {
			try {
				Matcher matcher = pattern.matcher(Files.readString(file));
				while (matcher.find()) {
					for (int group = 1; group <= matcher.groupCount(); group++) {
						if (matcher.group(group) != null) {
							names.add(matcher.group(group));
						}
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		return names;
	}

	/** Every property name in the configuration metadata on the classpath (Boot's, Cloud's, ours). */
	private static Set<String> metadataNames() {
		Set<String> names = metadataNames;
		if (names == null) {
			names = new HashSet<>();
			ObjectMapper json = new ObjectMapper();
			try {
				for (URL url : Collections.list(ServiceSettings.class.getClassLoader()
					.getResources("META-INF/spring-configuration-metadata.json"))) {
					try (InputStream in = url.openStream()) {
						for (JsonNode property : json.readTree(in).path("properties")) {
							String name = property.path("name").asText();
							if (ConfigurationPropertyName.isValid(name)) {
								names.add(name);
							}
						}
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			metadataNames = names;
		}
		return names;
	}

}
