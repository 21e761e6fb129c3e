package io.prometheusrelay.pipeline.discovery;

/**
 * A pipeline service that sends batches on (receiver, forwarder): implemented by its
 * {@code @ConfigurationProperties}, so the next hop is configured where its defaults are.
 */
public interface NextHopSettings {

	/** The next hop's instances, found through discovery, and how to connect to each. */
	RelayTargetsProperties nextHop();

}
