package io.prometheusrelay.pipeline.settings;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;

/**
 * Builds the {@link SpringApplication} of a pipeline service with the defaults every service
 * shares. They are default properties, the lowest precedence, so any application.properties,
 * environment variable or command-line argument overrides them; and the services can share one
 * classpath (tests, benchmarks) without their application.properties files colliding.
 */
public final class PipelineApplications {

	private PipelineApplications() {
	}

	public static SpringApplication create(Class<?> mainClass, String name, int httpPort,
			Map<String, Object> serviceDefaults) {
		Map<String, Object> defaults = new HashMap<>();
		defaults.put("spring.application.name", name);
		defaults.put("server.port", httpPort);
		defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus");
		defaults.put("management.endpoint.health.probes.enabled", true);
		// Internal services: show which peer or store is the problem, not just DOWN.
		defaults.put("management.endpoint.health.show-details", "always");
		// Spring Cloud's discovery indicators say UNKNOWN ("not initialized") for static instances;
		// the relay-target indicators say what matters: whether the next hop is connected.
		defaults.put("spring.cloud.discovery.client.health-indicator.enabled", false);
		defaults.put("spring.cloud.discovery.client.composite-indicator.enabled", false);
		defaults.put("management.metrics.tags.application", name);
		defaults.put("spring.main.banner-mode", "off");
		// Static discovery by default; the "consul" profile (application-consul.properties) turns Consul on.
		defaults.put("spring.cloud.consul.enabled", false);
		defaults.putAll(serviceDefaults);
		SpringApplication application = new SpringApplication(mainClass);
		application.setDefaultProperties(defaults);
		return application;
	}

}
