package io.prometheusrelay.pipeline.discovery;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.pipeline.settings.RelayClientProperties;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/** The next hop's instances, found through discovery, and how to connect to each; nested in a service's properties. */
public class RelayTargetsProperties {

	/** Discovery service id of the next hop. */
	private String serviceId;

	/** How often the list of instances is read from discovery. */
	private Duration refreshInterval = Duration.ofSeconds(5);

	/** Relay connections to each instance. */
	@NestedConfigurationProperty
	private final RelayClientProperties client = new RelayClientProperties();

	/**
	 * Following {@code defaultServiceId} unless configured otherwise. A factory, not a constructor:
	 * a JavaBean's properties are what the configuration processor lists in the metadata.
	 */
	public static RelayTargetsProperties following(String defaultServiceId) {
		RelayTargetsProperties properties = new RelayTargetsProperties();
		properties.setServiceId(defaultServiceId);
		return properties;
	}

	/** Starts following discovery and connecting to every instance found. */
	public RelayTargets connect(DiscoveryClient discovery, MeterRegistry registry, SslBundles bundles) {
		return new RelayTargets(this.serviceId, discovery, this.client.toOptions(bundles, this.serviceId), registry,
				this.refreshInterval);
	}

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
