package io.prometheusrelay.receiver.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.prometheusrelay.receiver.decode.DecodedBatch;
import io.prometheusrelay.receiver.decode.RejectReason;

/**
 * The receiver's meters. Tag values are bounded: HTTP status codes and the fixed reason tags of
 * {@link io.prometheusrelay.receiver.decode.RemoteWriteRejection} and {@link RejectReason}.
 */
final class ReceiverMetrics {

	private final MeterRegistry registry;

	private final Map<String, Counter> requests = new ConcurrentHashMap<>();

	private final Map<RejectReason, Counter> rejectedSeries = new ConcurrentHashMap<>();

	private final Counter samples;

	private final Counter series;

	private final DistributionSummary bodyBytes;

	private final DistributionSummary decodedBytes;

	ReceiverMetrics(MeterRegistry registry, InFlightBudget budget) {
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
			.register(this.registry)).increment();
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

}
