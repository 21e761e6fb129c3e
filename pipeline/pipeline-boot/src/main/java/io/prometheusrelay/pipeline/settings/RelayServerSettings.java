package io.prometheusrelay.pipeline.settings;

/**
 * A pipeline service that takes batches from the hop before it (forwarder, api-server): implemented
 * by its {@code @ConfigurationProperties}, so the relay server is configured where its defaults are.
 */
public interface RelayServerSettings {

	/** How the service's relay server listens. */
	RelayServerProperties getRelay();

	/** Names the relay server in logs and in the {@code server} tag of its meters. */
	String relayServerName();

}
