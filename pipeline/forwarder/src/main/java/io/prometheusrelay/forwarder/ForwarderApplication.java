package io.prometheusrelay.forwarder;

import java.util.Map;

import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.pipeline.settings.PipelineApplications;
import io.prometheusrelay.pipeline.settings.PipelinePorts;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The forwarder: relay server -> every api-server instance, acked upstream once all required targets acked. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ForwarderApplication {

	/** HTTP port of the actuator endpoints. */
	public static final int DEFAULT_HTTP_PORT = PipelinePorts.FORWARDER_HTTP;

	public static SpringApplication application() {
		// Embedded default: one static api-server on this machine; Consul or more static instances replace it.
		return PipelineApplications.create(ForwarderApplication.class, "forwarder", DEFAULT_HTTP_PORT,
				Map.of("spring.cloud.discovery.client.simple.instances.api-server[0].uri",
						PipelinePorts.onThisMachine(PipelinePorts.API_SERVER_RELAY),
						// With Consul: the relay port the receiver connects to, next to the actuator port.
						"spring.cloud.consul.discovery.metadata." + RelayTargets.RELAY_PORT_METADATA,
						"${relay.forwarder.relay.port:" + PipelinePorts.FORWARDER_RELAY + "}"));
	}

	public static void main(String[] args) {
		application().run(args);
	}

}
