package io.prometheusrelay.proxy;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The RSocket proxy: applications dial out to it; Prometheus scrapes them through it. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ProxyServerApplication {

	public static SpringApplication application() {
		SpringApplication application = new SpringApplication(ProxyServerApplication.class);
		application.setDefaultProperties(Map.of("spring.application.name", "proxy-server", "server.port", 8080,
				"management.endpoints.web.exposure.include", "health,info,prometheus",
				"management.endpoint.health.probes.enabled", true, "spring.main.banner-mode", "off"));
		return application;
	}

	public static void main(String[] args) {
		application().run(args);
	}

}
