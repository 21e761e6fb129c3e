package io.prometheusrelay.forwarder.handoff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.prometheusrelay.log.GroupCommitter;
import io.prometheusrelay.log.SegmentInfo;
import io.prometheusrelay.log.SegmentedLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-off log's one writer thread: it writes every waiting batch as one group, forces on demand
 * (when {@link HandoffLog#requestForce()} asks, and at least every second), rolls segments by age,
 * and deletes what every replica has, or over the limits what some replica has.
 * <p>
 * After a failed write or fsync the log keeps what it could force; the batches it could not keep
 * become holes that delivery skips (their senders were NACKed and retry).
 */
final class HandoffWriter implements GroupCommitter.Handler<HandoffAppend> {

	private static final Logger logger = LoggerFactory.getLogger(HandoffWriter.class);

	/** Queued to wake the writer for a force; never written. */
	static final HandoffAppend WAKE = new HandoffAppend(LoggedBatch.ORIGIN);

	private static final long FORCE_AT_LEAST_EVERY_MILLIS = 1000;

	private final HandoffLog handoff;

	private final SegmentedLog log;

	private final HandoffOptions options;

	private final Clock clock;

	private final HandoffLogMetrics metrics;

	/** Written and not forced yet, oldest first: their positions and durable futures, not their payloads. */
	private final List<Unforced> unforced = new ArrayList<>();

	private long oldestUnforcedAt;

	/** The last batch forced (or, with fsync off, counted as durable). */
	private LoggedBatch forcedThrough = LoggedBatch.ORIGIN;

	private volatile boolean forceRequested;

	/** The segment written to, and when it was started, by the writer's clock. */
	private @Nullable HandoffSegment active;

	private long activeOpenedAt;

	/** The active segment's first sequence, -1 without one: for delivery's {@link HandoffLog#isFull()}. */
	private volatile long activeFirst = -1;

	HandoffWriter(HandoffLog handoff, SegmentedLog log, HandoffOptions options, Clock clock, HandoffLogMetrics metrics) {
		this.handoff = handoff;
		this.log = log;
		this.options = options;
		this.clock = clock;
		this.metrics = metrics;
	}

	long activeFirst() {
		return this.activeFirst;
	}

	/** Asks for a force at the writer's next turn. */
	void requestForce() {
		this.forceRequested = true;
	}

	boolean forceRequested() {
		return this.forceRequested;
	}

	@Override
	public void commit(List<HandoffAppend> group) {
		group.removeIf(append -> append == WAKE);
		if (!group.isEmpty()) {
			write(group);
		}
		afterGroup();
	}

	@Override
	public void idle() {
		afterGroup();
	}

	@Override
	public void refuse(HandoffAppend append) {
		if (append != WAKE) {
			this.handoff.holes.add(append.batch.sequence());
			append.fail(new IOException("hand-off log is closing"));
		}
	}

	private void afterGroup() {
		if (this.forceRequested || !this.unforced.isEmpty()
				&& this.clock.millis() - this.oldestUnforcedAt >= FORCE_AT_LEAST_EVERY_MILLIS) {
			force();
		}
		rollIfOld();
		deleteWhatIsDelivered();
	}

	private void write(List<HandoffAppend> group) {
		LoggedBatch first = group.get(0).batch;
		if (this.log.nextSequence() > first.sequence()) {
			failed(group, new IOException("hand-off log numbered past batch " + first.sequence()));
			return;
		}
		// The sequences of a group that failed before are holes: the log numbers on after them.
		this.log.advanceTo(first.sequence());
		List<ByteBuffer[]> records = new ArrayList<>(group.size());
		group.forEach(append -> records.add(HandoffLogFormat.record(append.batch)));
		try {
			long at = this.log.appendRecords(records);
			if (at != first.sequence()) {
				throw new IllegalStateException("hand-off batch " + first.sequence() + " logged as " + at);
			}
		}
		catch (IOException ex) {
			logger.warn("Hand-off log {}: write of {} batches failed: {}", this.options.dir(), group.size(),
					ex.getMessage());
			cutBack(ex);
			failed(group, ex);
			return;
		}
		HandoffSegment segment = segmentWritten(first);
		segment.last = group.get(group.size() - 1).batch.position();
		this.metrics.appended.increment(group.size());
		if (this.unforced.isEmpty()) {
			this.oldestUnforcedAt = this.clock.millis();
		}
		group.forEach(append -> this.unforced.add(new Unforced(append.batch.position(), append.durable)));
		group.forEach(append -> append.written.complete(null));
	}

	private void failed(List<HandoffAppend> group, IOException ex) {
		for (HandoffAppend append : group) {
			this.handoff.holes.add(append.batch.sequence());
			append.fail(ex);
		}
	}

	/** The hand-off's marks of the segment the log just wrote {@code first} to: a new one when the log started one. */
	private HandoffSegment segmentWritten(LoggedBatch first) {
		List<SegmentInfo> segments = this.log.segments();
		long newest = segments.get(segments.size() - 1).firstSequence();
		HandoffSegment current = this.active;
		if (current == null || current.firstSequence != newest) {
			current = new HandoffSegment(newest, first.appendedAtMillis());
			this.handoff.segments.put(newest, current);
			this.active = current;
			this.activeOpenedAt = this.clock.millis();
			this.activeFirst = newest;
		}
		return current;
	}

	/** Forces every written batch to disk (with fsync off: counts them as durable) and completes their futures. */
	void force() {
		this.forceRequested = false;
		if (this.unforced.isEmpty()) {
			return;
		}
		try {
			if (this.options.fsync()) {
				long start = System.nanoTime();
				this.log.force();
				this.metrics.fsync.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			}
		}
		catch (IOException ex) {
			logger.warn("Hand-off log {}: fsync failed: {}", this.options.dir(), ex.getMessage());
			cutBack(ex);
			return;
		}
		this.forcedThrough = this.unforced.get(this.unforced.size() - 1).position;
		this.unforced.forEach(batch -> batch.durable.complete(null));
		this.unforced.clear();
	}

	/**
	 * After a failure, the log kept what it could force and closed the segment: the written batches
	 * after that are lost (holes), the segment's marks follow what it kept.
	 */
	private void cutBack(IOException ex) {
		this.metrics.writeErrors.increment();
		long kept = this.log.durableThrough();
		int lost = 0;
		LoggedBatch lastKept = this.forcedThrough;
		for (Unforced batch : this.unforced) {
			if (batch.position.sequence() <= kept) {
				batch.durable.complete(null);
				lastKept = batch.position;
			}
			else {
				this.handoff.holes.add(batch.position.sequence());
				batch.durable.completeExceptionally(ex);
				lost++;
			}
		}
		this.unforced.clear();
		if (lost > 0) {
			logger.warn("Hand-off log {}: {} written batches not kept after a failure", this.options.dir(), lost);
		}
		HandoffSegment segment = this.active;
		if (segment != null) {
			boolean stillThere = this.log.segments().stream().anyMatch(info -> info.firstSequence() == segment.firstSequence);
			if (!stillThere) {
				this.handoff.segments.remove(segment.firstSequence);
			}
			else if (segment.last.sequence() > kept) {
				segment.last = lastKept;
			}
		}
		this.active = null;
		this.activeFirst = -1;
	}

	private void rollIfOld() {
		if (this.active == null || this.handoff.isClosing()
				|| this.clock.millis() - this.activeOpenedAt < this.options.segmentAge().toMillis()) {
			return;
		}
		force();
		try {
			this.log.roll();
		}
		catch (IOException ex) {
			this.metrics.writeErrors.increment();
			logger.warn("Hand-off log {}: closing a segment failed: {}", this.options.dir(), ex.getMessage());
		}
		this.active = null;
		this.activeFirst = -1;
	}

	/** Deletes closed segments that every replica has, then, over the limits, those that some replica has. */
	private void deleteWhatIsDelivered() {
		for (SegmentInfo info : this.log.segments()) {
			if (info.active()) {
				return;
			}
			HandoffSegment marks = this.handoff.segments.get(info.firstSequence());
			boolean everywhere = info.lastSequence() <= this.handoff.deliveredEverywhere();
			boolean overLimit = this.log.sizeBytes() > this.options.maxBytes() || marks != null
					&& this.clock.millis() - marks.firstAppendedAt > this.options.maxAge().toMillis();
			if (!everywhere && !(overLimit && info.lastSequence() <= this.handoff.deliveredSomewhere())) {
				return;
			}
			try {
				this.log.deleteBefore(info.lastSequence() + 1);
			}
			catch (IOException ex) {
				logger.warn("Hand-off log {}: could not delete a segment: {}", this.options.dir(), ex.getMessage());
				return;
			}
			this.handoff.segments.remove(info.firstSequence());
			if (!everywhere) {
				this.metrics.droppedSegments.increment();
				logger.warn("Hand-off log {}: over its limits, dropped batches {} to {} that not every replica has",
						this.options.dir(), info.firstSequence(), info.lastSequence());
				Consumer<HandoffSegment> listener = this.handoff.droppedListener();
				if (listener != null && marks != null) {
					listener.accept(marks);
				}
			}
		}
	}

	/** A written batch waiting for a force: its position, not its payload. */
	private record Unforced(LoggedBatch position, CompletableFuture<Void> durable) {
	}

}
