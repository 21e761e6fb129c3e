package io.prometheusrelay.proxy.rsocket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;

/** The proxy's own meters, served on {@code /metrics/proxy}. Tag values are bounded sets. */
public final class ProxyMetrics {

	private final MeterRegistry registry;

	private final Map<String, Counter> clientScrapes = new ConcurrentHashMap<>();

	private final Map<String, Counter> rejectedConnections = new ConcurrentHashMap<>();

	private final Timer clientScrapeLatency;

	private final DistributionSummary payloadBytes;

	private final Timer mergeTime;

	private final Counter pushes;

	private final Counter rsaKeyRotations;

	public ProxyMetrics(MeterRegistry registry, ConnectionRegistry connections) {
		this.registry = registry;
		Gauge.builder("relay.proxy.connections", connections, ConnectionRegistry::connected)
			.description("Applications connected over RSocket")
			.register(registry);
		this.clientScrapeLatency = Timer.builder("relay.proxy.client.scrape")
			.description("Time to pull one application's scrape")
			.publishPercentileHistogram()
			.register(registry);
		this.payloadBytes = DistributionSummary.builder("relay.proxy.client.scrape.payload")
			.baseUnit(BaseUnits.BYTES)
			.description("Decompressed size of one application's scrape")
			.register(registry);
		this.mergeTime = Timer.builder("relay.proxy.merge")
			.description("Time to merge and write the connected applications' scrapes")
			.register(registry);
		this.pushes = Counter.builder("relay.proxy.pushes")
			.description("Scrapes pushed by applications before they disconnected")
			.register(registry);
		this.rsaKeyRotations = Counter.builder("relay.proxy.rsa.key.rotations")
			.description("Rotations of the RSA key pair that clients of the original scheme encrypt to")
			.register(registry);
		// Registered up front so dashboards and alerts see 0, not nothing.
		rejectedConnectionCounter("max_connections");
		clientScrapeCounter("ok");
	}

	/** One application's part of a scrape, by outcome: ok, timeout, error, rejected reason, dying_push. */
	public void clientScrape(String outcome) {
		clientScrapeCounter(outcome).increment();
	}

	private Counter clientScrapeCounter(String outcome) {
		return this.clientScrapes.computeIfAbsent(outcome, tag -> Counter.builder("relay.proxy.client.scrapes")
			.tag("outcome", tag)
			.description("Per-application scrapes, by outcome")
			.register(this.registry));
	}

	void rejectedConnection(String reason) {
		rejectedConnectionCounter(reason).increment();
	}

	private Counter rejectedConnectionCounter(String reason) {
		return this.rejectedConnections.computeIfAbsent(reason, tag -> Counter.builder("relay.proxy.connections.rejected")
			.tag("reason", tag)
			.description("Connections refused at setup, by reason")
			.register(this.registry));
	}

	public Timer clientScrapeLatency() {
		return this.clientScrapeLatency;
	}

	public void payload(int bytes) {
		this.payloadBytes.record(bytes);
	}

	public Timer mergeTime() {
		return this.mergeTime;
	}

	void pushed() {
		this.pushes.increment();
	}

	void rsaKeyRotated() {
		this.rsaKeyRotations.increment();
	}

}
