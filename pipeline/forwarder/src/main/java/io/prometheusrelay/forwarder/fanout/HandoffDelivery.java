package io.prometheusrelay.forwarder.fanout;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.forwarder.handoff.HandoffAppend;
import io.prometheusrelay.forwarder.handoff.HandoffLog;
import io.prometheusrelay.forwarder.handoff.HandoffLogMetrics;
import io.prometheusrelay.forwarder.handoff.HandoffOptions;
import io.prometheusrelay.forwarder.handoff.HandoffReader;
import io.prometheusrelay.forwarder.handoff.HandoffSegment;
import io.prometheusrelay.forwarder.handoff.LoggedBatch;
import io.prometheusrelay.pipeline.discovery.RelayTargets;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Delivers every batch of the hand-off log to every api-server, each from its own cursor.
 * <p>
 * A batch from upstream is appended to the log and sent at once to the replicas in sync (connected
 * and near the head); upstream gets its answer as {@link UpstreamAnswer} says. A replica that is
 * down, restarting, slow or new is sent what it lacks from its cursor on, from memory while the
 * batches are recent and from disk when they are not, until it is in sync again. Redelivery is
 * safe: the api-servers store a batch they already have only once.
 * <p>
 * One thread owns every cursor: upstream batches, answers from the replicas and the periodic tick
 * are all tasks on it, so no state is shared between threads but the log's files and the answers.
 * <p>
 * Longer than this project's usual 300 lines on purpose: it is that one thread's code, and every
 * method is a task that reads and moves the cursors; split, the single-thread rule would have to be
 * trusted across classes. The per-replica state is {@link Replica}, the answer to upstream
 * {@link UpstreamAnswer}, the log {@link HandoffLog}.
 */
public final class HandoffDelivery implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HandoffDelivery.class);

	private static final Duration TICK = Duration.ofMillis(100);

	private static final Duration SAVE_INTERVAL = Duration.ofSeconds(1);

	/** How long a replica that NACKed (its store was busy) rests before it is sent more. */
	private static final Duration NACK_PAUSE = Duration.ofMillis(200);

	private final HandoffLog log;

	private final RelayTargets targets;

	private final HandoffOptions options;

	private final int window;

	private final Clock clock;

	private final ReplicaMeters metrics;

	private final ReplicaCursors cursors;

	private final MemoryTail tail;

	/** Known replicas, discovered now or earlier, in the order first seen. */
	private final Map<String, Replica> replicas = new LinkedHashMap<>();

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "handoff-delivery");
		thread.setDaemon(true);
		return thread;
	});

	private long lastSavedMillis;

	private volatile List<ReplicaStatus> status = List.of();

	private volatile boolean closed;

	private HandoffDelivery(HandoffLog log, RelayTargets targets, HandoffOptions options, int window, Clock clock,
			ReplicaMeters metrics) throws IOException {
		this.log = log;
		this.targets = targets;
		this.options = options;
		this.window = window;
		this.clock = clock;
		this.metrics = metrics;
		this.tail = new MemoryTail(options.memoryBytes());
		this.cursors = new ReplicaCursors(options.dir());
		// Every replica saved is known from the start, discovered yet or not, so the log keeps what it lacks.
		for (ReplicaCursors.Saved known : this.cursors.load().values()) {
			Replica replica = new Replica(known.name(), known.acknowledged(), known.missing(), known.lastSeenMillis(),
					new HandoffReader(log));
			this.replicas.put(known.name(), replica);
			replica.measure(log.last(), null, clock.millis(), false);
			metrics.replica(replica);
			log.skipPast(known.acknowledged());
			logger.info("Replica {}: resuming after batch {}", known.name(), known.acknowledged().sequence());
		}
		log.onDropped(segment -> onThisThread(() -> dropped(segment)));
		this.executor.execute(this::tick);
		this.executor.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Opens the log in {@code options.dir()}, recovers it and the replicas' cursors, and starts
	 * delivering to {@code targets}.
	 * @param window batches in flight to one replica, and how far behind a replica may be and still
	 * be waited for
	 */
	public static HandoffDelivery start(HandoffOptions options, RelayTargets targets, int window, Clock clock,
			MeterRegistry registry) throws IOException {
		HandoffLogMetrics logMetrics = new HandoffLogMetrics();
		logMetrics.bindTo(registry);
		HandoffLog log = HandoffLog.open(options, clock, logMetrics);
		try {
			logMetrics.log(log);
			return new HandoffDelivery(log, targets, options, window, clock, new ReplicaMeters(registry));
		}
		catch (IOException | RuntimeException ex) {
			log.close();
			throw ex;
		}
	}

	/**
	 * Takes one batch from upstream, with its digest, which goes to every replica with the batch
	 * while the batch is in memory (one read back from disk goes without: its replica digests it).
	 * @return ACK once it is logged and the replicas in sync have it (at least one); a retryable NACK
	 * when no replica is in sync, the log is full, or nobody acknowledged it within the ack wait
	 */
	public Mono<BatchOutcome> submit(byte[] payload, BatchDigest digest) {
		return Mono.defer(() -> {
			UpstreamAnswer answer = new UpstreamAnswer();
			if (this.closed) {
				return Mono.just(BatchOutcome.nack("forwarder is shutting down", true));
			}
			this.executor.execute(() -> accept(payload, digest, answer));
			// suppressCancel: the timeout must not cancel the answer it is about to complete itself.
			return Mono.fromFuture(answer.outcome(), true)
				.timeout(this.options.ackWait(), Mono.fromSupplier(answer::decideNow));
		});
	}

	/** How each known replica stands, as of the last tick. */
	public List<ReplicaStatus> status() {
		return this.status;
	}

	private void accept(byte[] payload, BatchDigest digest, UpstreamAnswer answer) {
		long now = this.clock.millis();
		long head = this.log.last().sequence();
		Set<String> inSync = new HashSet<>();
		for (Replica replica : this.replicas.values()) {
			if (replica.isInSync(head, this.window, now)) {
				inSync.add(replica.name);
			}
		}
		if (inSync.isEmpty()) {
			answer.refuse("no " + this.targets.serviceId() + " in sync to relay to (" + this.replicas.size() + " known)");
			return;
		}
		updateDelivered();
		if (this.log.isFull() || this.tail.isOverloaded()) {
			this.metrics.refusedFull.increment();
			answer.refuse("hand-off log full (" + this.log.totalBytes() + " bytes, limit " + this.options.maxBytes()
					+ "); a replica is far behind");
			return;
		}
		HandoffAppend append = this.log.append(payload);
		MemoryTail.Entry entry = new MemoryTail.Entry(append.batch(), digest, answer);
		append.written().whenComplete((ignored, failure) -> entry.written = (failure != null) ? -1 : 1);
		append.durable().whenComplete((ignored, failure) -> {
			if (failure != null) {
				entry.written = -1;
			}
			answer.durable(failure);
		});
		this.tail.add(entry);
		answer.await(inSync, this.replicas.size(), this.log::requestForce);
		for (Replica replica : this.replicas.values()) {
			if (inSync.contains(replica.name)) {
				pump(replica, now);
			}
		}
	}

	/** Sends the replica what it lacks, up to the window. */
	private void pump(Replica replica, long now) {
		RelayClient client = replica.client();
		if (client == null || !replica.isConnected() || replica.isPaused(now)) {
			return;
		}
		long head = this.log.last().sequence();
		while (replica.inFlight() < this.window) {
			long sequence = replica.nextToSend(head);
			if (sequence < 0) {
				return;
			}
			MemoryTail.Entry entry = this.tail.get(sequence);
			LoggedBatch batch;
			BatchDigest digest = null;
			UpstreamAnswer answer = null;
			if (entry != null && entry.failed() || entry == null && this.log.isHole(sequence)) {
				replica.skip(sequence);
				continue;
			}
			if (entry != null) {
				batch = entry.batch;
				digest = entry.digest;
				answer = entry.answer;
			}
			else {
				batch = replica.reader.read(sequence);
				if (batch == null) {
					long firstHeld = this.log.firstHeld();
					if (sequence < firstHeld) {
						// Gone from the log before this replica had it: count it as missing, never wait for it.
						lose(replica, replica.acknowledgedPosition().sequence() + 1, positionBefore(firstHeld));
						continue;
					}
					// Not on disk yet: look again on the next pump.
					replica.putBack(sequence);
					return;
				}
				replica.replayed();
			}
			send(replica, client, batch, digest, answer);
		}
	}

	private void send(Replica replica, RelayClient client, LoggedBatch batch, @Nullable BatchDigest digest,
			@Nullable UpstreamAnswer answer) {
		replica.sent(batch.sequence());
		client.send(batch.payload(), digest)
			.subscribe(outcome -> onThisThread(() -> answered(replica, batch, answer, outcome)),
					failure -> onThisThread(() -> failed(replica, batch, answer, failure)));
	}

	/** Runs {@code task} on the delivery thread; after close, answers and drops no longer matter. */
	private void onThisThread(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Closed: the cursors are saved, and what was in flight is sent again after the restart.
		}
	}

	private void answered(Replica replica, LoggedBatch batch, @Nullable UpstreamAnswer answer, BatchOutcome outcome) {
		replica.answered(batch.sequence());
		long now = this.clock.millis();
		if (outcome.acked()) {
			replica.acknowledged(batch);
			if (answer != null) {
				answer.acked(replica.name);
			}
			updateDelivered();
		}
		else if (!outcome.retryable()) {
			// It will never take this batch; holding on to it would stop the replica for good.
			logger.warn("Replica {} refused batch {} for good: {}", replica.name, batch.sequence(), outcome.reason());
			replica.acknowledged(batch);
			if (answer != null) {
				answer.rejected(replica.name, outcome.reason());
			}
		}
		else {
			replica.sendAgain(batch.sequence());
			replica.pauseUntil(now + NACK_PAUSE.toMillis());
			if (answer != null) {
				answer.failed(replica.name, outcome.reason());
			}
		}
		pump(replica, now);
	}

	private void failed(Replica replica, LoggedBatch batch, @Nullable UpstreamAnswer answer, Throwable failure) {
		replica.answered(batch.sequence());
		replica.sendAgain(batch.sequence());
		if (answer != null) {
			answer.failed(replica.name, String.valueOf(failure.getMessage()));
		}
		pump(replica, this.clock.millis());
	}

	/** The log dropped a segment before every replica had it. */
	private void dropped(HandoffSegment segment) {
		for (Replica replica : this.replicas.values()) {
			lose(replica, segment.firstSequence(), segment.last());
		}
	}

	/** The log no longer holds {@code first} to {@code last}: what the replica lacks of them is missing for good. */
	private void lose(Replica replica, long first, LoggedBatch last) {
		long before = replica.missing();
		replica.lose(first, last);
		if (replica.missing() > before) {
			logger.warn("Replica {} will not get {} batches the hand-off no longer holds; it lacks {} in all",
					replica.name, replica.missing() - before, replica.missing());
		}
	}

	private void tick() {
		try {
			long now = this.clock.millis();
			followDiscovery(now);
			for (Replica replica : this.replicas.values()) {
				if (replica.connectionLost()) {
					failAwaited(replica);
				}
				pump(replica, now);
			}
			measure(now);
			if (now - this.lastSavedMillis >= SAVE_INTERVAL.toMillis()) {
				save(now);
			}
		}
		catch (RuntimeException ex) {
			logger.error("Hand-off delivery tick failed", ex);
		}
	}

	/** Every discovered target becomes a replica; known ones not discovered for long enough are forgotten. */
	private void followDiscovery(long now) {
		Map<String, RelayClient> discovered = new LinkedHashMap<>();
		for (RelayClient client : this.targets.all()) {
			discovered.put(client.target(), client);
		}
		for (RelayClient client : discovered.values()) {
			this.replicas.computeIfAbsent(client.target(), name -> newReplica(name, now));
		}
		List<Replica> forgotten = new ArrayList<>();
		for (Replica replica : this.replicas.values()) {
			replica.discovered(discovered.get(replica.name), now);
			if (replica.client() == null && now - replica.lastSeenMillis() > this.options.forgetAfter().toMillis()) {
				forgotten.add(replica);
			}
		}
		for (Replica replica : forgotten) {
			logger.warn("Replica {} not discovered for {}: forgetting it; the hand-off no longer holds batches for it",
					replica.name, this.options.forgetAfter());
			this.replicas.remove(replica.name);
			replica.reader.close();
			this.metrics.forget(replica);
		}
	}

	/** A replica new to this forwarder: it gets everything the log holds, and lacks what came before. */
	private Replica newReplica(String name, long now) {
		long firstHeld = this.log.firstHeld();
		LoggedBatch before = positionBefore(firstHeld);
		Replica replica = new Replica(name, before, before.sequence(), now, new HandoffReader(this.log));
		if (before.sequence() > 0) {
			logger.warn("Replica {} is new: it gets batches from {} on, and lacks the {} acknowledged before "
					+ "(catch it up from a peer)", name, firstHeld, before.sequence());
		}
		else {
			logger.info("Replica {} is new: it gets every batch from the first", name);
		}
		// Measured before its meters exist: until the next tick they would read a lag of 0, and a
		// replica that has nothing yet would look level.
		replica.measure(this.log.last(), null, now, false);
		this.metrics.replica(replica);
		return replica;
	}

	/** The position just before {@code sequence}: what a replica that still needs it has reached. */
	private LoggedBatch positionBefore(long sequence) {
		LoggedBatch head = this.log.last();
		if (sequence > head.sequence()) {
			return head;
		}
		MemoryTail.Entry entry = this.tail.get(sequence);
		LoggedBatch first = (entry != null) ? entry.batch : new HandoffReader(this.log).read(sequence);
		if (first == null) {
			return new LoggedBatch(sequence - 1, head.appendedAtMillis(), head.bytesThrough(), LoggedBatch.ORIGIN.payload());
		}
		return new LoggedBatch(sequence - 1, first.appendedAtMillis(), first.bytesThrough() - first.payload().length,
				LoggedBatch.ORIGIN.payload());
	}

	/** The connection is gone: the answers waiting for this replica must not wait for it any longer. */
	private void failAwaited(Replica replica) {
		long head = this.log.last().sequence();
		long from = replica.acknowledgedPosition().sequence() + 1;
		for (long sequence = Math.max(from, head - 2L * this.window); sequence <= head; sequence++) {
			MemoryTail.Entry entry = this.tail.get(sequence);
			if (entry != null && entry.answer != null) {
				entry.answer.failed(replica.name, "connection lost");
			}
		}
	}

	private void measure(long now) {
		LoggedBatch head = this.log.last();
		List<ReplicaStatus> statuses = new ArrayList<>();
		for (Replica replica : this.replicas.values()) {
			long acknowledged = replica.acknowledgedPosition().sequence();
			MemoryTail.Entry oldestMissing = this.tail.get(acknowledged + 1);
			replica.measure(head, (oldestMissing != null) ? oldestMissing.batch : null, now,
					replica.isInSync(head.sequence(), this.window, now));
			statuses.add(new ReplicaStatus(replica.name, replica.state.label(), replica.lagBatches, replica.lagBytes,
					replica.lagSeconds, replica.missingBatches));
		}
		updateDelivered();
		this.status = List.copyOf(statuses);
	}

	/** Tells the log what every replica, and what at least one, has: what it may delete, and drop. */
	private void updateDelivered() {
		long everywhere = Long.MAX_VALUE;
		long somewhere = 0;
		for (Replica replica : this.replicas.values()) {
			long acknowledged = replica.acknowledgedPosition().sequence();
			everywhere = Math.min(everywhere, acknowledged);
			somewhere = Math.max(somewhere, acknowledged);
		}
		// With no replica known yet, nothing is delivered anywhere: keep everything.
		long delivered = this.replicas.isEmpty() ? 0 : everywhere;
		this.log.delivered(delivered, somewhere);
		this.tail.delivered(delivered);
	}

	private void save(long now) {
		this.lastSavedMillis = now;
		try {
			this.cursors.save(this.replicas.values());
		}
		catch (IOException ex) {
			logger.warn("Hand-off cursors could not be saved: {}", ex.getMessage());
		}
	}

	/** Stops taking batches, saves the cursors, and closes the log once its queued writes are done. */
	@Override
	public void close() throws IOException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.executor.submit(() -> save(this.clock.millis()));
		this.executor.shutdown();
		try {
			this.executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.replicas.values().forEach(replica -> replica.reader.close());
		this.log.close();
	}

	/**
	 * How one replica stands.
	 *
	 * @param name the replica's target name (host:relay port)
	 * @param state in-sync, catching-up, disconnected or not-discovered
	 * @param lagBatches batches it has not acknowledged
	 * @param lagBytes their payload bytes
	 * @param lagSeconds the age of the oldest of them
	 * @param missingBatches batches it will not get from the hand-off
	 */
	public record ReplicaStatus(String name, String state, long lagBatches, long lagBytes, double lagSeconds,
			long missingBatches) {

		public boolean inSync() {
			return Replica.ReplicaState.IN_SYNC.label().equals(this.state);
		}

	}

}
