package io.prometheusrelay.proxy;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The RSocket proxy: applications dial out to it; Prometheus scrapes them through it. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ProxyServerApplication {

	/** HTTP port of /metrics/connected, /metrics/proxy and the actuator. */
	public static final int DEFAULT_HTTP_PORT = 8080;

	public static SpringApplication application() {
		SpringApplication application = new SpringApplication(ProxyServerApplication.class);
		// A connection silent between requests for a minute is closed: Boot's own default keeps it for
		// ever. A scrape waiting on applications is a request in progress, never idle.
		application.setDefaultProperties(Map.of("spring.application.name", "proxy-server", "server.port", DEFAULT_HTTP_PORT,
				"management.endpoints.web.exposure.include", "health,info,prometheus",
				"management.endpoint.health.probes.enabled", true, "spring.main.banner-mode", "off",
				"server.netty.idle-timeout", "60s"));
		return application;
	}

	public static void main(String[] args) {
		application().run(args);
	}

}
