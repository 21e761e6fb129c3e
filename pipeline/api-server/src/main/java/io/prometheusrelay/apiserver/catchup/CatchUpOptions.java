package io.prometheusrelay.apiserver.catchup;

import java.time.Duration;
import java.util.Objects;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import org.jspecify.annotations.Nullable;

/**
 * How an api-server catches up from its peers.
 *
 * @param serviceId the discovery service whose instances are the peers (their gRPC ports)
 * @param interval time between two comparisons with each peer
 * @param settle batches a peer stored less than this long ago are left to the forwarder
 * @param callTimeout deadline of each call to a peer, and of storing what one message brings
 * @param maxMessageSize the largest message accepted from a peer, in bytes
 * @param credentials how to reach the peers: TLS (with this one's certificate) or plain
 * @param token the bearer token sent with every call to a peer, or {@code null}
 */
public record CatchUpOptions(String serviceId, Duration interval, Duration settle, Duration callTimeout,
		int maxMessageSize, ChannelCredentials credentials, @Nullable String token) {

	/** Plain, without a token. */
	public CatchUpOptions(String serviceId, Duration interval, Duration settle, Duration callTimeout,
			int maxMessageSize) {
		this(serviceId, interval, settle, callTimeout, maxMessageSize, InsecureChannelCredentials.create(), null);
	}

	public CatchUpOptions {
		Objects.requireNonNull(serviceId, "serviceId");
		Objects.requireNonNull(credentials, "credentials");
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
