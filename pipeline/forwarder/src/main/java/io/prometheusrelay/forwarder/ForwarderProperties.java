package io.prometheusrelay.forwarder;

import io.prometheusrelay.forwarder.handoff.HandoffProperties;
import io.prometheusrelay.pipeline.discovery.NextHopSettings;
import io.prometheusrelay.pipeline.discovery.RelayTargetsProperties;
import io.prometheusrelay.pipeline.settings.PipelinePorts;
import io.prometheusrelay.pipeline.settings.RelayServerProperties;
import io.prometheusrelay.pipeline.settings.RelayServerSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/** Configuration of the forwarder, under {@code relay.forwarder}. */
@ConfigurationProperties("relay.forwarder")
public class ForwarderProperties implements NextHopSettings, RelayServerSettings {

	/** Default port of the relay server that receives batches from remote-receivers. */
	public static final int DEFAULT_RELAY_PORT = PipelinePorts.FORWARDER_RELAY;

	/** Relay server that receives batches from remote-receivers. */
	@NestedConfigurationProperty
	private final RelayServerProperties relay = RelayServerProperties.listeningOn(DEFAULT_RELAY_PORT);

	/** The api-servers every batch is fanned out to. */
	@NestedConfigurationProperty
	private final RelayTargetsProperties targets = RelayTargetsProperties.following("api-server");

	/** The hand-off: the durable log every batch is delivered to each api-server from. */
	@NestedConfigurationProperty
	private final HandoffProperties handoff = new HandoffProperties();

	@Override
	public RelayServerProperties getRelay() {
		return this.relay;
	}

	@Override
	public String relayServerName() {
		return "forwarder";
	}

	@Override
	public RelayTargetsProperties nextHop() {
		return this.targets;
	}

	public RelayTargetsProperties getTargets() {
		return this.targets;
	}

	public HandoffProperties getHandoff() {
		return this.handoff;
	}

}
