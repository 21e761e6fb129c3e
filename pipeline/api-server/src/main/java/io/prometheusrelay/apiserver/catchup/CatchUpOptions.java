package io.prometheusrelay.apiserver.catchup;

import java.time.Duration;
import java.util.Objects;

/**
 * How an api-server catches up from its peers.
 *
 * @param serviceId the discovery service whose instances are the peers (their gRPC ports)
 * @param interval time between two comparisons with each peer
 * @param settle batches a peer stored less than this long ago are left to the forwarder
 * @param callTimeout deadline of each call to a peer, and of storing one copied batch
 * @param maxBatchSize the largest batch accepted from a peer, in bytes
 */
public record CatchUpOptions(String serviceId, Duration interval, Duration settle, Duration callTimeout,
		int maxBatchSize) {

	public CatchUpOptions {
		Objects.requireNonNull(serviceId, "serviceId");
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("interval must be positive");
		}
		if (settle.isNegative()) {
			throw new IllegalArgumentException("settle must not be negative");
		}
		if (callTimeout.isNegative() || callTimeout.isZero()) {
			throw new IllegalArgumentException("callTimeout must be positive");
		}
	}

}
