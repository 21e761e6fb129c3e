package io.prometheusrelay.transport;

import java.time.Duration;
import java.util.Objects;

import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link RelayClient} talks to its peer.
 *
 * @param maxFrameBytes largest frame accepted from the peer
 * @param window batches in flight at once; past it, {@link RelayClient#send} fails fast as busy
 * @param ackTimeout how long a batch may wait for its ACK or NACK; past it the connection is
 * considered broken and re-established
 * @param connectTimeout how long one connection attempt may take
 * @param heartbeatInterval an idle connection sends a heartbeat this often, and is closed after
 * three intervals without hearing from the peer
 * @param minBackoff first delay before reconnecting
 * @param maxBackoff longest delay between reconnection attempts
 * @param tls the TLS context to connect with, or {@code null} for plain TCP; the peer's
 * certificate must name the host dialled
 */
public record RelayClientOptions(int maxFrameBytes, int window, Duration ackTimeout, Duration connectTimeout,
		Duration heartbeatInterval, Duration minBackoff, Duration maxBackoff, @Nullable SslContext tls) {

	/** Plain TCP. */
	public RelayClientOptions(int maxFrameBytes, int window, Duration ackTimeout, Duration connectTimeout,
			Duration heartbeatInterval, Duration minBackoff, Duration maxBackoff) {
		this(maxFrameBytes, window, ackTimeout, connectTimeout, heartbeatInterval, minBackoff, maxBackoff, null);
	}

	public RelayClientOptions {
		Objects.requireNonNull(ackTimeout, "ackTimeout");
		Objects.requireNonNull(connectTimeout, "connectTimeout");
		Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
		Objects.requireNonNull(minBackoff, "minBackoff");
		Objects.requireNonNull(maxBackoff, "maxBackoff");
		if (window < 1) {
			throw new IllegalArgumentException("window must be positive");
		}
		if (minBackoff.compareTo(maxBackoff) > 0) {
			throw new IllegalArgumentException("minBackoff must not exceed maxBackoff");
		}
	}

}
