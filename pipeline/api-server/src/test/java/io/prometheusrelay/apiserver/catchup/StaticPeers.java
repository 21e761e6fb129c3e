package io.prometheusrelay.apiserver.catchup;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/** The peers as discovery lists them under the api-servers' service name. */
record StaticPeers(List<ServiceInstance> instances) implements DiscoveryClient {

	@Override
	public String description() {
		return "static peers";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		return PeerCatchUpTests.SERVICE.equals(serviceId) ? this.instances : List.of();
	}

	@Override
	public List<String> getServices() {
		return List.of(PeerCatchUpTests.SERVICE);
	}

}
