package io.prometheusrelay.forwarder.fanout;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.prometheusrelay.forwarder.handoff.HandoffReader;
import io.prometheusrelay.forwarder.handoff.LoggedBatch;
import io.prometheusrelay.transport.RelayClient;
import org.jspecify.annotations.Nullable;

/**
 * Where delivery to one api-server stands: every batch through the {@link #acknowledged()} position
 * is on that replica; some after it may be too (acknowledged out of order), in flight, or waiting to
 * be sent again. Owned by the delivery thread; the lag fields are snapshots for meters and health.
 */
final class Replica {

	final String name;

	private @Nullable RelayClient client;

	private LoggedBatch acknowledged;

	/** Acknowledged after a gap: waiting for the batches before them. */
	private final TreeMap<Long, LoggedBatch> acknowledgedAhead = new TreeMap<>();

	private final Set<Long> inFlight = new HashSet<>();

	/** Failed or NACKed: sent again before anything new. */
	private final TreeSet<Long> resend = new TreeSet<>();

	/** The next sequence never sent since the last restart or rewind. */
	private long next;

	private long pausedUntilMillis;

	private long missing;

	private long lastSeenMillis;

	private boolean wasConnected;

	final HandoffReader reader;

	volatile long lagBatches;

	volatile long lagBytes;

	volatile double lagSeconds;

	volatile long missingBatches;

	volatile ReplicaState state = ReplicaState.NOT_DISCOVERED;

	/** Batches sent to it from the log on disk. Written by the delivery thread only. */
	volatile long replayedBatches;

	Replica(String name, LoggedBatch acknowledged, long missing, long lastSeenMillis, HandoffReader reader) {
		this.name = name;
		this.acknowledged = acknowledged.position();
		this.next = acknowledged.sequence() + 1;
		this.missing = missing;
		this.missingBatches = missing;
		this.lastSeenMillis = lastSeenMillis;
		this.reader = reader;
	}

	@Nullable RelayClient client() {
		return this.client;
	}

	void discovered(@Nullable RelayClient client, long nowMillis) {
		this.client = client;
		if (client != null) {
			this.lastSeenMillis = nowMillis;
		}
	}

	boolean isConnected() {
		RelayClient current = this.client;
		return current != null && current.isConnected();
	}

	/** Whether the connection was lost since the last call: what was awaited from it will not come. */
	boolean connectionLost() {
		boolean connected = isConnected();
		boolean lost = this.wasConnected && !connected;
		this.wasConnected = connected;
		return lost;
	}

	/** Connected, not backing off, and close enough to the head that waiting for it is short. */
	boolean isInSync(long head, int window, long nowMillis) {
		return isConnected() && nowMillis >= this.pausedUntilMillis && head - this.acknowledged.sequence() <= window;
	}

	boolean isPaused(long nowMillis) {
		return nowMillis < this.pausedUntilMillis;
	}

	void pauseUntil(long millis) {
		this.pausedUntilMillis = millis;
	}

	int inFlight() {
		return this.inFlight.size();
	}

	/** The next sequence to send, at most {@code head}, or -1 when there is none. */
	long nextToSend(long head) {
		Long again = this.resend.pollFirst();
		while (again != null && again <= this.acknowledged.sequence()) {
			again = this.resend.pollFirst();
		}
		if (again != null) {
			return again;
		}
		if (this.next <= this.acknowledged.sequence()) {
			this.next = this.acknowledged.sequence() + 1;
		}
		return (this.next <= head) ? this.next++ : -1;
	}

	/** A sequence taken by {@link #nextToSend} that cannot be read yet: the next call returns it again. */
	void putBack(long sequence) {
		this.resend.add(sequence);
	}

	void sent(long sequence) {
		this.inFlight.add(sequence);
	}

	void answered(long sequence) {
		this.inFlight.remove(sequence);
	}

	void sendAgain(long sequence) {
		this.resend.add(sequence);
	}

	/** The replica has this batch (or will never take it): move the cursor over everything contiguous. */
	void acknowledged(LoggedBatch batch) {
		if (batch.sequence() <= this.acknowledged.sequence()) {
			return;
		}
		this.acknowledgedAhead.put(batch.sequence(), batch.position());
		advance();
	}

	private void advance() {
		LoggedBatch following;
		while ((following = this.acknowledgedAhead.remove(this.acknowledged.sequence() + 1)) != null) {
			this.acknowledged = following;
		}
	}

	/** Skips a sequence the log never held (a failed write, numbers lost in a crash). */
	void skip(long sequence) {
		acknowledged(new LoggedBatch(sequence, this.acknowledged.appendedAtMillis(), this.acknowledged.bytesThrough(),
				LoggedBatch.ORIGIN.payload()));
	}

	/**
	 * The log dropped the batches through {@code last} before this replica had them: count what it
	 * will never get from the hand-off, and move on.
	 */
	void lose(long firstSequence, LoggedBatch last) {
		if (last.sequence() <= this.acknowledged.sequence()) {
			return;
		}
		long from = Math.max(firstSequence, this.acknowledged.sequence() + 1);
		long lost = last.sequence() - from + 1 - this.acknowledgedAhead.subMap(from, true, last.sequence(), true).size();
		this.missing += lost;
		this.missingBatches = this.missing;
		this.acknowledgedAhead.headMap(last.sequence(), true).clear();
		this.acknowledged = last.position();
		advance();
	}

	LoggedBatch acknowledgedPosition() {
		return this.acknowledged;
	}

	void replayed() {
		this.replayedBatches++;
	}

	long missing() {
		return this.missing;
	}

	long lastSeenMillis() {
		return this.lastSeenMillis;
	}

	/** Refreshes the snapshots read by meters and health. */
	void measure(LoggedBatch head, @Nullable LoggedBatch oldestMissing, long nowMillis, boolean inSync) {
		this.lagBatches = head.sequence() - this.acknowledged.sequence();
		this.lagBytes = head.bytesThrough() - this.acknowledged.bytesThrough();
		long since = (oldestMissing != null) ? oldestMissing.appendedAtMillis() : this.acknowledged.appendedAtMillis();
		this.lagSeconds = (this.lagBatches <= 0) ? 0 : Math.max(0, nowMillis - since) / 1000.0;
		this.state = (this.client == null) ? ReplicaState.NOT_DISCOVERED
				: !isConnected() ? ReplicaState.DISCONNECTED : inSync ? ReplicaState.IN_SYNC : ReplicaState.CATCHING_UP;
	}

	/** How a replica stands, for health. */
	enum ReplicaState {

		IN_SYNC, CATCHING_UP, DISCONNECTED, NOT_DISCOVERED;

		String label() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

}
