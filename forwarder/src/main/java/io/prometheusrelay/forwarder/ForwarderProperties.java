package io.prometheusrelay.forwarder;

import java.time.Duration;

import io.prometheusrelay.pipeline.relay.RelayClientProperties;
import io.prometheusrelay.pipeline.relay.RelayServerProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/** Configuration of the forwarder, under {@code relay.forwarder}. */
@ConfigurationProperties("relay.forwarder")
public class ForwarderProperties {

	/** Default port of the relay server that receives batches from remote-receivers. */
	public static final int DEFAULT_RELAY_PORT = 9999;

	/** Relay server that receives batches from remote-receivers. */
	@NestedConfigurationProperty
	private final RelayServerProperties relay = new RelayServerProperties(DEFAULT_RELAY_PORT);

	private final Targets targets = new Targets();

	public RelayServerProperties getRelay() {
		return this.relay;
	}

	public Targets getTargets() {
		return this.targets;
	}

	/** The api-servers every batch is fanned out to. */
	public static class Targets {

		/** Discovery service id of the api-servers. */
		private String serviceId = "api-server";

		/** How often the list of api-server instances is read from discovery. */
		private Duration refreshInterval = Duration.ofSeconds(5);

		/** Relay connections to each api-server. */
		@NestedConfigurationProperty
		private final RelayClientProperties client = new RelayClientProperties();

		public String getServiceId() {
			return this.serviceId;
		}

		public void setServiceId(String serviceId) {
			this.serviceId = serviceId;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

		public RelayClientProperties getClient() {
			return this.client;
		}

	}

}
