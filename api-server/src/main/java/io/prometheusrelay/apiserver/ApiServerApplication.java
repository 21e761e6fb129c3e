package io.prometheusrelay.apiserver;

import java.util.Map;

import io.prometheusrelay.pipeline.relay.PipelineApplications;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The api-server: relay server -> segment store, with the latest sample of every series in memory. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiServerApplication {

	/** HTTP port of the actuator endpoints. */
	public static final int DEFAULT_HTTP_PORT = 8071;

	public static SpringApplication application() {
		return PipelineApplications.create(ApiServerApplication.class, "api-server", DEFAULT_HTTP_PORT, Map.of());
	}

	public static void main(String[] args) {
		application().run(args);
	}

}
