package io.prometheusrelay.proxy.rsocket;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.prometheusrelay.rsocket.wire.ScrapeText;
import io.rsocket.RSocket;
import org.jspecify.annotations.Nullable;

/**
 * Every connected application, and the departed ones whose dying push has not been served yet.
 * A departed connection stays until one scrape has taken its push, or the push is older than the TTL.
 */
public final class ConnectionRegistry implements AutoCloseable {

	private final Map<Long, ClientConnection> connections = new ConcurrentHashMap<>();

	private final AtomicLong ids = new AtomicLong();

	private final int maxConnections;

	private final Duration dyingPushTtl;

	private final Clock clock;

	public ConnectionRegistry(int maxConnections, Duration dyingPushTtl, Clock clock) {
		this.maxConnections = maxConnections;
		this.dyingPushTtl = dyingPushTtl;
		this.clock = clock;
	}

	/**
	 * Registers a new connection, or returns null when the proxy already holds the maximum.
	 * @param identity the client's identity labels (escaped values); the connection's own id is added
	 * as {@code identityLabel} when they do not name it
	 */
	@Nullable ClientConnection register(RSocket socket, Map<String, String> identity, String identityLabel, boolean hpke) {
		if (connected() >= this.maxConnections) {
			return null;
		}
		long id = this.ids.incrementAndGet();
		List<Map.Entry<String, String>> labels = new ArrayList<>(identity.entrySet());
		if (!identity.containsKey(identityLabel)) {
			labels.add(Map.entry(identityLabel, "rsocket-" + id));
		}
		ClientConnection connection = new ClientConnection(id, socket, labels, hpke);
		this.connections.put(id, connection);
		return connection;
	}

	/** The connection went away: keep it only while it has a push to serve. */
	void closed(ClientConnection connection) {
		connection.markClosed();
		if (!connection.hasDyingPush()) {
			this.connections.remove(connection.id());
		}
	}

	void pushed(ClientConnection connection, ScrapeText scrape) {
		connection.push(scrape, this.clock.instant());
	}

	/** Connections to scrape now; departed ones with an expired push are dropped on the way. */
	public List<ClientConnection> snapshot() {
		Instant oldest = this.clock.instant().minus(this.dyingPushTtl);
		List<ClientConnection> snapshot = new ArrayList<>(this.connections.size());
		for (ClientConnection connection : this.connections.values()) {
			Instant pushedAt = connection.pushedAt();
			if (connection.isClosed() && (pushedAt == null || pushedAt.isBefore(oldest))) {
				this.connections.remove(connection.id());
				continue;
			}
			snapshot.add(connection);
		}
		return snapshot;
	}

	/** A departed connection whose push has now been served. */
	public void served(ClientConnection connection) {
		if (connection.isClosed()) {
			this.connections.remove(connection.id());
		}
	}

	/**
	 * Closes every application's connection: on shutdown, after the servers stopped accepting, so that
	 * clients notice at once and reconnect (to this proxy's successor, or another instance).
	 */
	@Override
	public void close() {
		for (ClientConnection connection : this.connections.values()) {
			connection.socket().dispose();
		}
		this.connections.clear();
	}

	public int connected() {
		int connected = 0;
		for (ClientConnection connection : this.connections.values()) {
			if (!connection.isClosed()) {
				connected++;
			}
		}
		return connected;
	}

}
