package io.prometheusrelay.proxy.rsocket;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

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

	private final DyingPushLimits pushLimits;

	private final Clock clock;

	/** Pushes held and their bytes, within {@link #pushLimits}; guarded by {@code this}. */
	private int heldPushes;

	private long heldPushBytes;

	private final LongAdder expiredPushes = new LongAdder();

	public ConnectionRegistry(int maxConnections, DyingPushLimits pushLimits, Clock clock) {
		this.maxConnections = maxConnections;
		this.pushLimits = pushLimits;
		this.clock = clock;
	}

	/**
	 * Registers a new connection, or returns null when the proxy already holds the maximum.
	 * @param identity the client's identity labels; the connection's own id is added
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

	/**
	 * Holds the application's push (replacing one it pushed before) until a scrape serves it, unless
	 * that would hold more pushes or bytes than the limits allow.
	 * @return whether the push is held
	 */
	synchronized boolean pushed(ClientConnection connection, ScrapeText scrape) {
		ScrapeText previous = connection.dyingPush();
		int pushes = this.heldPushes + ((previous != null) ? 0 : 1);
		long bytes = this.heldPushBytes - ((previous != null) ? previous.length() : 0) + scrape.length();
		if (pushes > this.pushLimits.maxPushes() || bytes > this.pushLimits.maxBytes()) {
			return false;
		}
		this.heldPushes = pushes;
		this.heldPushBytes = bytes;
		connection.push(scrape, this.clock.instant());
		return true;
	}

	/** The connection's push, taken: a push is served by exactly one scrape. */
	public synchronized @Nullable ScrapeText takeDyingPush(ClientConnection connection) {
		ScrapeText push = connection.takeDyingPush();
		if (push != null) {
			this.heldPushes--;
			this.heldPushBytes -= push.length();
		}
		return push;
	}

	/** Connections to scrape now; departed ones with an expired push are dropped on the way. */
	public List<ClientConnection> snapshot() {
		expire();
		return List.copyOf(this.connections.values());
	}

	/**
	 * Drops the departed connections whose push has waited longer than the time to live: on a timer,
	 * so that a push nobody scrapes does not hold its memory until the next scrape.
	 * @return how many pushes expired
	 */
	public int expire() {
		Instant oldest = this.clock.instant().minus(this.pushLimits.ttl());
		int expired = 0;
		for (ClientConnection connection : this.connections.values()) {
			Instant pushedAt = connection.pushedAt();
			if (connection.isClosed() && (pushedAt == null || pushedAt.isBefore(oldest))) {
				if (takeDyingPush(connection) != null) {
					expired++;
					this.expiredPushes.increment();
				}
				this.connections.remove(connection.id());
			}
		}
		return expired;
	}

	/** A departed connection whose push has now been served. */
	public void served(ClientConnection connection) {
		if (connection.isClosed()) {
			this.connections.remove(connection.id());
		}
	}

	/** Pushes held, waiting for a scrape. */
	public synchronized int heldPushes() {
		return this.heldPushes;
	}

	/** Pushes dropped unserved, their time to live past. */
	public long expiredPushes() {
		return this.expiredPushes.sum();
	}

	/** Bytes the held pushes hold. */
	public synchronized long heldPushBytes() {
		return this.heldPushBytes;
	}

	/**
	 * Closes every application's connection: on shutdown, after the servers stopped accepting, so that
	 * clients notice at once and reconnect (to this proxy's successor, or another instance).
	 */
	@Override
	public void close() {
		for (ClientConnection connection : this.connections.values()) {
			connection.socket().dispose();
			takeDyingPush(connection);
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
