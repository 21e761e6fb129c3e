package io.prometheusrelay.pipeline.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.transport.RelayClient;
import io.prometheusrelay.transport.RelayClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * One {@link RelayClient} per instance of a service, following Spring Cloud's
 * {@link DiscoveryClient}: static instances by default, Consul's catalog when configured.
 * Instances that appear get a client; instances that disappear have theirs closed. Targets keep
 * the order discovery lists them in, so the order of configured static instances is the order of
 * preference where one target is used at a time (the receiver's forwarders).
 * <p>
 * An instance's relay port is its {@value #RELAY_PORT_METADATA} metadata entry when present (an
 * api-server registers its gRPC port as the service port), otherwise the instance's port.
 */
public final class RelayTargets implements AutoCloseable {

	/** Metadata key naming the relay port of an instance whose service port is something else. */
	public static final String RELAY_PORT_METADATA = "relay-port";

	private static final Logger logger = LoggerFactory.getLogger(RelayTargets.class);

	private final String serviceId;

	private final DiscoveryClient discovery;

	private final RelayClientOptions options;

	private final MeterRegistry registry;

	private final Map<String, RelayClient> clients = new ConcurrentHashMap<>();

	/** The clients in discovery order, replaced as a whole on each refresh. */
	private volatile List<RelayClient> ordered = List.of();

	private final Disposable refresher;

	public RelayTargets(String serviceId, DiscoveryClient discovery, RelayClientOptions options, MeterRegistry registry,
			Duration refreshInterval) {
		this.serviceId = serviceId;
		this.discovery = discovery;
		this.options = options;
		this.registry = registry;
		refresh();
		// Discovery clients block (HTTP to Consul): poll off the event loops.
		this.refresher = Flux.interval(refreshInterval, refreshInterval, Schedulers.boundedElastic())
			.subscribe(tick -> refresh());
	}

	/** Every target currently discovered, connected or not, in discovery order. */
	public List<RelayClient> all() {
		return this.ordered;
	}

	/** Targets with a live connection. */
	public List<RelayClient> connected() {
		return all().stream().filter(RelayClient::isConnected).toList();
	}

	public String serviceId() {
		return this.serviceId;
	}

	synchronized void refresh() {
		List<ServiceInstance> instances;
		try {
			instances = this.discovery.getInstances(this.serviceId);
		}
		catch (RuntimeException ex) {
			logger.warn("Discovery of '{}' failed; keeping {} known targets: {}", this.serviceId, this.clients.size(),
					ex.getMessage());
			return;
		}
		Map<String, ServiceInstance> discovered = instances.stream()
			.collect(Collectors.toMap(RelayTargets::address, instance -> instance, (first, second) -> first,
					LinkedHashMap::new));
		for (Map.Entry<String, ServiceInstance> entry : discovered.entrySet()) {
			this.clients.computeIfAbsent(entry.getKey(), address -> {
				logger.info("Relay target {} of '{}' discovered", address, this.serviceId);
				ServiceInstance instance = entry.getValue();
				return new RelayClient(address, instance.getHost(), relayPort(instance), this.options, this.registry)
					.start();
			});
		}
		Set<String> gone = this.clients.keySet()
			.stream()
			.filter(address -> !discovered.containsKey(address))
			.collect(Collectors.toSet());
		for (String address : gone) {
			logger.info("Relay target {} of '{}' is no longer discovered; closing", address, this.serviceId);
			this.clients.remove(address).close();
		}
		this.ordered = discovered.keySet().stream().map(this.clients::get).toList();
	}

	private static String address(ServiceInstance instance) {
		return instance.getHost() + ":" + relayPort(instance);
	}

	private static int relayPort(ServiceInstance instance) {
		String relayPort = instance.getMetadata().get(RELAY_PORT_METADATA);
		return (relayPort != null) ? Integer.parseInt(relayPort) : instance.getPort();
	}

	@Override
	public synchronized void close() {
		this.refresher.dispose();
		Collection<RelayClient> closing = new ArrayList<>(this.clients.values());
		this.clients.clear();
		this.ordered = List.of();
		closing.forEach(RelayClient::close);
	}

}
