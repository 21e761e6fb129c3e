package io.prometheusrelay.apiserver;

import java.util.Map;

import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.pipeline.settings.PipelineApplications;
import io.prometheusrelay.pipeline.settings.PipelinePorts;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The api-server: relayed batches into its store (the storage engine, Prometheus blocks), read over
 * gRPC. Its store opens while Spring starts ({@link StoreOpening}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiServerApplication {

	/** HTTP port of the actuator endpoints. */
	public static final int DEFAULT_HTTP_PORT = PipelinePorts.API_SERVER_HTTP;

	public static SpringApplication application() {
		// With Consul: registered under the name HAProxy resolves (_prometheus-api-server._tcp.service.consul)
		// with the gRPC port as the service's port, the relay port in metadata, and the check on actuator.
		// The ports follow the properties; their defaults are PipelinePorts', not repeated here.
		SpringApplication application = PipelineApplications.create(ApiServerApplication.class, "api-server", DEFAULT_HTTP_PORT, Map.of(
				"spring.cloud.consul.discovery.service-name", ApiServerProperties.CatchUp.DEFAULT_SERVICE_ID,
				"spring.cloud.consul.discovery.port", "${relay.api-server.grpc.port:" + PipelinePorts.API_SERVER_GRPC + "}",
				"spring.cloud.consul.discovery.metadata." + RelayTargets.RELAY_PORT_METADATA,
				"${relay.api-server.relay.port:" + PipelinePorts.API_SERVER_RELAY + "}",
				"spring.cloud.consul.discovery.health-check-url",
				"http://${spring.cloud.consul.discovery.ip-address:${spring.cloud.client.ip-address}}:${server.port}/actuator/health",
				// HAProxy 2.6 health-checks the servers a server-template fills from DNS in HTTP/2, the gRPC
				// port's protocol, whatever check-proto says: so actuator speaks h2c as well as HTTP/1.1.
				"server.http2.enabled", true));
		application.addListeners(new StoreOpening());
		return application;
	}

	public static void main(String[] args) {
		application().run(args);
	}

}
