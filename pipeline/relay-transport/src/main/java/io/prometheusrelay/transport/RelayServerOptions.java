package io.prometheusrelay.transport;

import java.time.Duration;
import java.util.Objects;

import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link RelayServer} listens.
 *
 * @param name names the server in logs and in the {@code server} tag of its meters
 * @param host address to bind
 * @param port port to bind, 0 for any free port
 * @param maxFrameBytes largest frame accepted, header included; larger batches are NACKed
 * @param maxInFlightPerConnection batches of one connection handled at once; past it, the server
 * stops reading from that connection
 * @param idleTimeout a connection that sends nothing (not even a heartbeat) for this long is closed
 * @param drainTimeout on close, how long batches in progress may take to be answered before the
 * connections are closed anyway
 * @param tls the TLS context connections are served with (client authentication included), or
 * {@code null} for plain TCP
 */
public record RelayServerOptions(String name, String host, int port, int maxFrameBytes, int maxInFlightPerConnection,
		Duration idleTimeout, Duration drainTimeout, @Nullable SslContext tls) {

	/** Plain TCP. */
	public RelayServerOptions(String name, String host, int port, int maxFrameBytes, int maxInFlightPerConnection,
			Duration idleTimeout, Duration drainTimeout) {
		this(name, host, port, maxFrameBytes, maxInFlightPerConnection, idleTimeout, drainTimeout, null);
	}

	public RelayServerOptions {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(idleTimeout, "idleTimeout");
		Objects.requireNonNull(drainTimeout, "drainTimeout");
		if (maxInFlightPerConnection < 1) {
			throw new IllegalArgumentException("maxInFlightPerConnection must be positive");
		}
	}

}
