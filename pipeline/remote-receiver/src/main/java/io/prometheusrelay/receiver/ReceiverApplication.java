package io.prometheusrelay.receiver;

import java.util.Map;

import io.prometheusrelay.pipeline.settings.PipelineApplications;
import io.prometheusrelay.pipeline.settings.PipelinePorts;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The remote-receiver: Prometheus remote-write in, relayed to the forwarder, answered once acknowledged. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ReceiverApplication {

	/** HTTP port of the remote-write endpoint and the actuator. */
	public static final int DEFAULT_HTTP_PORT = PipelinePorts.RECEIVER_HTTP;

	public static SpringApplication application() {
		// Embedded default: one static forwarder on this machine; Consul or more static instances replace it.
		// Connections that stay silent are closed: without it, idle connections are held for ever.
		return PipelineApplications.create(ReceiverApplication.class, "remote-receiver", DEFAULT_HTTP_PORT,
				Map.of("spring.cloud.discovery.client.simple.instances.forwarder[0].uri",
						PipelinePorts.onThisMachine(PipelinePorts.FORWARDER_RELAY), "server.netty.idle-timeout", "60s"));
	}

	public static void main(String[] args) {
		application().run(args);
	}

}
