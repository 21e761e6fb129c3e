package io.prometheusrelay.receiver.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.prometheusrelay.receiver.decode.DecodedBatch;
import io.prometheusrelay.receiver.decode.RejectReason;
import org.jspecify.annotations.Nullable;

/**
 * The receiver's meters. Tag values are bounded: HTTP status codes and the fixed reason tags of
 * {@link io.prometheusrelay.receiver.decode.RemoteWriteRejection} and {@link RejectReason}. The meters
 * recorded into are made by {@link #bindTo}, which the receiver's configuration calls before any
 * request is taken.
 */
final class ReceiverMetrics implements MeterBinder {

	private final InFlightBudget budget;

	private @Nullable MeterRegistry registry;

	private final Map<String, Counter> requests = new ConcurrentHashMap<>();

	private final Map<RejectReason, Counter> rejectedSeries = new ConcurrentHashMap<>();

	private Counter samples;

	private Counter series;

	private DistributionSummary bodyBytes;

	private DistributionSummary decodedBytes;

	ReceiverMetrics(InFlightBudget budget) {
		this.budget = budget;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		InFlightBudget budget = this.budget;
		this.registry = registry;
		this.samples = Counter.builder("relay.receiver.samples")
			.description("Samples (and histogram samples) acknowledged downstream")
			.register(registry);
		this.series = Counter.builder("relay.receiver.series")
			.description("Series acknowledged downstream")
			.register(registry);
		this.bodyBytes = DistributionSummary.builder("relay.receiver.request.body")
			.baseUnit(BaseUnits.BYTES)
			.description("Compressed size of remote-write request bodies")
			.register(registry);
		this.decodedBytes = DistributionSummary.builder("relay.receiver.request.decoded")
			.baseUnit(BaseUnits.BYTES)
			.description("Decoded size of remote-write requests")
			.register(registry);
		Gauge.builder("relay.receiver.in.flight", budget, InFlightBudget::used)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes held by requests in progress")
			.register(registry);
		Gauge.builder("relay.receiver.in.flight.limit", budget, InFlightBudget::limit)
			.baseUnit(BaseUnits.BYTES)
			.description("Most bytes requests in progress may hold")
			.register(registry);
		for (RejectReason reason : RejectReason.values()) {
			this.rejectedSeries.put(reason, Counter.builder("relay.receiver.series.rejected")
				.tag("reason", reason.tag())
				.description("Series left out of otherwise valid requests, by reason")
				.register(registry));
		}
	}

	void request(int status, String reason) {
		this.requests.computeIfAbsent(status + "/" + reason, key -> Counter.builder("relay.receiver.requests")
			.tag("status", Integer.toString(status))
			.tag("reason", reason)
			.description("Remote-write requests answered, by status and reason")
			.register(bound())).increment();
	}

	void sizes(long body, long decoded) {
		this.bodyBytes.record(body);
		this.decodedBytes.record(decoded);
	}

	void stored(DecodedBatch batch) {
		this.samples.increment(batch.samples());
		this.series.increment(batch.series());
	}

	void rejected(DecodedBatch batch) {
		batch.rejected().forEach((reason, count) -> this.rejectedSeries.get(reason).increment(count));
	}

	private MeterRegistry bound() {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			throw new IllegalStateException("The receiver's meters are not bound to a registry");
		}
		return registry;
	}

}
