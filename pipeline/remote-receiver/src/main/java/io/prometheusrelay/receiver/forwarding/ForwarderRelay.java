package io.prometheusrelay.receiver.forwarding;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClient;
import io.prometheusrelay.transport.RelayUnavailableException;
import reactor.core.publisher.Mono;

/**
 * Relays a batch to the forwarders, in order, failing over to the next one when a forwarder cannot
 * be reached or does not answer; the first forwarder that answers decides. Everything happens
 * within the ack deadline, after which the batch counts as not acknowledged.
 */
public final class ForwarderRelay {

	private final RelayTargets forwarders;

	private final Duration deadline;

	public ForwarderRelay(RelayTargets forwarders, Duration deadline) {
		this.forwarders = forwarders;
		this.deadline = deadline;
	}

	/** The forwarder's ACK or NACK; a retryable NACK when none answered in time. */
	public Mono<BatchOutcome> relay(byte[] writeRequest) {
		return Mono.defer(() -> sendFrom(this.forwarders.connected(), 0, writeRequest))
			.timeout(this.deadline)
			.onErrorResume(TimeoutException.class, ex -> Mono
				.just(BatchOutcome.nack("no answer from a forwarder within " + this.deadline.toMillis() + " ms", true)));
	}

	private Mono<BatchOutcome> sendFrom(List<RelayClient> candidates, int index, byte[] writeRequest) {
		if (index >= candidates.size()) {
			return Mono.just(BatchOutcome.nack(candidates.isEmpty() ? "no forwarder connected"
					: "no forwarder took the batch (" + candidates.size() + " tried)", true));
		}
		return candidates.get(index)
			.send(writeRequest)
			.onErrorResume(RelayUnavailableException.class, ex -> sendFrom(candidates, index + 1, writeRequest));
	}

}
