package io.prometheusrelay.forwarder.fanout;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.protocol.transport.BatchHandler;
import io.prometheusrelay.protocol.transport.BatchOutcome;
import io.prometheusrelay.protocol.transport.RelayClient;
import io.prometheusrelay.protocol.transport.RelayUnavailableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends each batch to every api-server in the required set (discovered and connected when the batch
 * arrives) and acks upstream only when all of them have acked.
 * <p>
 * A target that times out or drops its connection leaves the set: its client reconnects with
 * backoff, and the target rejoins once connected. The batch is then acked if every remaining target
 * acked it. A target that answers (even a NACK) stays in: it is healthy, it just did not store the
 * batch, so the batch is NACKed and the sender retries.
 */
public final class FanOutHandler implements BatchHandler {

	private static final Logger logger = LoggerFactory.getLogger(FanOutHandler.class);

	private final RelayTargets targets;

	private final FanOutMetrics metrics;

	public FanOutHandler(RelayTargets targets, MeterRegistry registry) {
		this.targets = targets;
		this.metrics = new FanOutMetrics(registry, targets);
	}

	@Override
	public Mono<BatchOutcome> handle(byte[] writeRequest) {
		List<RelayClient> required = this.targets.connected();
		if (required.isEmpty()) {
			this.metrics.noTarget.increment();
			return Mono.just(BatchOutcome.nack("no healthy " + this.targets.serviceId() + " to relay to", true));
		}
		return Flux.fromIterable(required)
			.flatMap(target -> send(target, writeRequest))
			.collectList()
			.map(this::decide);
	}

	private Mono<TargetResult> send(RelayClient target, byte[] writeRequest) {
		return target.send(writeRequest)
			.map(outcome -> new TargetResult(target.target(), outcome, null))
			.onErrorResume(RelayUnavailableException.class,
					failure -> Mono.just(new TargetResult(target.target(), null, failure)));
	}

	private BatchOutcome decide(List<TargetResult> results) {
		int acked = 0;
		for (TargetResult result : results) {
			RelayUnavailableException failure = result.failure();
			BatchOutcome outcome = result.outcome();
			if (failure != null && result.leftTheSet()) {
				this.metrics.targetDropped.increment();
				logger.warn("Target {} left the required set: {}", result.target(), failure.getMessage());
				continue;
			}
			if (failure != null) {
				this.metrics.nacked.increment();
				return BatchOutcome.nack(result.target() + ": " + failure.getMessage(), true);
			}
			if (outcome == null || !outcome.acked()) {
				this.metrics.nacked.increment();
				return (outcome == null) ? BatchOutcome.nack(result.target() + ": no answer", true)
						: BatchOutcome.nack(result.target() + ": " + outcome.reason(), outcome.retryable());
			}
			acked++;
		}
		if (acked == 0) {
			this.metrics.noTarget.increment();
			return BatchOutcome.nack("every " + this.targets.serviceId() + " failed", true);
		}
		this.metrics.acked.increment();
		return BatchOutcome.ack();
	}

	/** What one target did with the batch: an outcome, or a failure to deliver or answer. */
	private record TargetResult(String target, @Nullable BatchOutcome outcome,
			@Nullable RelayUnavailableException failure) {

		/** A peer fault or a lost connection takes the target out of this batch's required set. */
		boolean leftTheSet() {
			return this.failure != null && (this.failure.isPeerFault()
					|| this.failure.reason() == RelayUnavailableException.Cause.NOT_CONNECTED);
		}

	}

	private static final class FanOutMetrics {

		final Counter acked;

		final Counter nacked;

		final Counter noTarget;

		final Counter targetDropped;

		FanOutMetrics(MeterRegistry registry, RelayTargets targets) {
			this.acked = outcome(registry, "ack");
			this.nacked = outcome(registry, "nack");
			this.noTarget = outcome(registry, "no_target");
			this.targetDropped = Counter.builder("relay.forwarder.targets.dropped")
				.description("Times a target left a batch's required set by timing out or losing its connection")
				.register(registry);
			Gauge.builder("relay.forwarder.targets", targets, t -> t.all().size())
				.tag("state", "discovered")
				.description("Api-server targets, by state")
				.register(registry);
			Gauge.builder("relay.forwarder.targets", targets, t -> t.connected().size())
				.tag("state", "connected")
				.description("Api-server targets, by state")
				.register(registry);
		}

		private static Counter outcome(MeterRegistry registry, String outcome) {
			return Counter.builder("relay.forwarder.batches")
				.tag("outcome", outcome)
				.description("Batches fanned out, by the answer given upstream")
				.register(registry);
		}

	}

}
