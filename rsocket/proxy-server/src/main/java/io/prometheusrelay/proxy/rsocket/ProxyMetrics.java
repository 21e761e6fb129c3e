package io.prometheusrelay.proxy.rsocket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The proxy's own meters, served on {@code /metrics/proxy}. Tag values are bounded sets. The meters
 * recorded into are made by {@link #bindTo}, which the proxy's configuration calls before its
 * servers start; binding again to the same registry does nothing (Boot binds every
 * {@code MeterBinder} bean too).
 */
public final class ProxyMetrics implements MeterBinder {

	private final ConnectionRegistry connections;

	private @Nullable MeterRegistry registry;

	private final Map<String, Counter> clientScrapes = new ConcurrentHashMap<>();

	private final Map<String, Counter> rejectedConnections = new ConcurrentHashMap<>();

	private Timer clientScrapeLatency;

	private DistributionSummary payloadBytes;

	private Timer mergeTime;

	private Counter pushes;

	private Counter rsaKeyRotations;

	private final Map<String, Counter> refusedScrapes = new ConcurrentHashMap<>();

	public ProxyMetrics(ConnectionRegistry connections) {
		this.connections = connections;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.registry == registry) {
			return;
		}
		ConnectionRegistry connections = this.connections;
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
		Gauge.builder("relay.proxy.dying.pushes", connections, ConnectionRegistry::heldPushes)
			.description("Pushes of departing applications waiting for a scrape")
			.register(registry);
		Gauge.builder("relay.proxy.dying.pushes.held", connections, ConnectionRegistry::heldPushBytes)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes the pushes of departing applications hold")
			.register(registry);
		FunctionCounter.builder("relay.proxy.dying.pushes.expired", connections, ConnectionRegistry::expiredPushes)
			.description("Pushes of departed applications dropped unserved, their time to live past")
			.register(registry);
		for (String reason : new String[] { "concurrency", "unauthenticated", "forbidden" }) {
			this.refusedScrapes.put(reason, Counter.builder("relay.proxy.scrapes.refused")
				.tag("reason", reason)
				.description("Scrapes of /metrics/connected and /metrics/proxy refused, by reason")
				.register(registry));
		}
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
			.register(bound()));
	}

	void rejectedConnection(String reason) {
		rejectedConnectionCounter(reason).increment();
	}

	private Counter rejectedConnectionCounter(String reason) {
		return this.rejectedConnections.computeIfAbsent(reason, tag -> Counter.builder("relay.proxy.connections.rejected")
			.tag("reason", tag)
			.description("Connections refused at setup, by reason")
			.register(bound()));
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

	/** A scrape refused: concurrency (max-concurrent-scrapes in progress), unauthenticated or forbidden. */
	public void scrapeRefused(String reason) {
		this.refusedScrapes.get(reason).increment();
	}

	void rsaKeyRotated() {
		this.rsaKeyRotations.increment();
	}

	private MeterRegistry bound() {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			throw new IllegalStateException("The proxy's meters are not bound to a registry");
		}
		return registry;
	}

}
