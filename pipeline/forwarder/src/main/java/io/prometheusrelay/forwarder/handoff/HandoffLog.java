package io.prometheusrelay.forwarder.handoff;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;

import io.prometheusrelay.log.DataDirectoryLock;
import io.prometheusrelay.log.GroupCommitter;
import io.prometheusrelay.log.LogOptions;
import io.prometheusrelay.log.LogReader;
import io.prometheusrelay.log.SegmentedLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable part of the hand-off: every batch taken from upstream, under the next sequence number,
 * in the pipeline's segmented log ({@code io.prometheusrelay.log}, {@link HandoffLogFormat}), one
 * directory per forwarder, locked. One writer thread ({@link HandoffWriter}) owns the files; delivery
 * appends, asks for forces and says what the replicas have, and reads (through {@link HandoffReader}).
 * <p>
 * Forcing to disk is on demand. A batch every replica acknowledged needs no copy here, so in the
 * common case nothing is forced and the log costs a write to the page cache; when a batch's answer
 * needs the log (a replica is behind or failed), {@link #requestForce()} has the writer force every
 * written batch at once, a group commit, and complete their {@link HandoffAppend#durable} futures.
 * Batches are forced within a second in any case, and before their segment is closed.
 */
public final class HandoffLog implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HandoffLog.class);

	private static final int MAX_GROUP = 512;

	/** Batches waiting for the writer at most; delivery refuses new batches long before (its memory tail). */
	private static final int MAX_QUEUED = 1 << 16;

	private final HandoffOptions options;

	private final Clock clock;

	private final DataDirectoryLock lock;

	private final SegmentedLog log;

	/** The log's segments as the hand-off knows them, by first sequence. Changed by the writer. */
	final ConcurrentSkipListMap<Long, HandoffSegment> segments = new ConcurrentSkipListMap<>();

	/** Sequences never on disk (their write failed, or a flipped byte lost them): skipped by delivery. */
	final ConcurrentSkipListSet<Long> holes = new ConcurrentSkipListSet<>();

	private final HandoffWriter writer;

	private final GroupCommitter<HandoffAppend> committer;

	/** The last batch given a sequence. Delivery thread only. */
	private LoggedBatch last;

	/** Sequences given out before a crash that never reached the disk (set at start only). */
	private volatile long skippedFrom = Long.MAX_VALUE;

	private volatile long skippedThrough = -1;

	private volatile long deliveredEverywhere;

	private volatile long deliveredSomewhere;

	private volatile @Nullable Consumer<HandoffSegment> onDropped;

	private volatile boolean closing;

	private HandoffLog(HandoffOptions options, Clock clock, HandoffLogMetrics metrics) throws IOException {
		this.options = options;
		this.clock = clock;
		Files.createDirectories(options.dir());
		this.lock = DataDirectoryLock.acquire(options.dir(), "forwarder");
		try {
			HandoffRecovery.warnOfEarlierFormat(options.dir());
			this.log = SegmentedLog.open(new LogOptions(options.dir(), HandoffLogFormat.MAGIC, HandoffLogFormat.SUFFIX,
					options.segmentBytes()));
			metrics.truncations.increment(this.log.recovery().truncatedSegments());
			HandoffRecovery recovered = HandoffRecovery.run(this.log, this.segments, this.holes);
			this.last = recovered.last();
			this.skippedFrom = recovered.skippedFrom();
			this.skippedThrough = recovered.skippedThrough();
		}
		catch (IOException | RuntimeException ex) {
			this.lock.close();
			throw ex;
		}
		this.writer = new HandoffWriter(this, this.log, options, clock, metrics);
		this.committer = new GroupCommitter<>("handoff-writer", MAX_QUEUED, MAX_GROUP, Duration.ofMillis(100),
				this.writer);
		this.committer.start();
	}

	public static HandoffLog open(HandoffOptions options, Clock clock, HandoffLogMetrics metrics) throws IOException {
		return new HandoffLog(options, clock, metrics);
	}

	/**
	 * Makes sure the next sequence is past {@code sequence}: a replica may have acknowledged batches
	 * that a crash kept from reaching this disk, and their numbers must not be given out again.
	 */
	public void skipPast(LoggedBatch position) {
		if (position.sequence() > this.last.sequence()) {
			this.skippedFrom = Math.min(this.skippedFrom, this.last.sequence() + 1);
			this.skippedThrough = position.sequence();
			this.last = position.position();
		}
	}

	/** Called with every segment dropped before all replicas had it, on the writer thread. */
	public void onDropped(Consumer<HandoffSegment> listener) {
		this.onDropped = listener;
	}

	@Nullable Consumer<HandoffSegment> droppedListener() {
		return this.onDropped;
	}

	/** The last batch given a sequence. Delivery thread only. */
	public LoggedBatch last() {
		return this.last;
	}

	/** The oldest sequence held on disk, or the next one when the log is empty. */
	public long firstHeld() {
		Map.Entry<Long, HandoffSegment> first = this.segments.firstEntry();
		return (first != null) ? first.getKey() : this.last.sequence() + 1;
	}

	/**
	 * Whether the log never held {@code sequence}, or never will again: its write failed (now, or
	 * before a restart: it falls between two segments, or a flipped byte lost it), or a crash lost it.
	 * Delivery skips it.
	 */
	public boolean isHole(long sequence) {
		return this.holes.contains(sequence) || (sequence >= this.skippedFrom && sequence <= this.skippedThrough)
				|| (segmentOf(sequence) == null && this.segments.higherKey(sequence) != null
						&& sequence >= firstHeld());
	}

	/**
	 * Whether the log is at its size limit with nothing it may drop (the oldest segment is on no
	 * replica yet): new batches must be refused.
	 */
	public boolean isFull() {
		if (totalBytes() < this.options.maxBytes()) {
			return false;
		}
		Map.Entry<Long, HandoffSegment> oldest = this.segments.firstEntry();
		return oldest == null || oldest.getKey() == this.writer.activeFirst()
				|| oldest.getValue().lastSequence() > this.deliveredSomewhere;
	}

	/**
	 * Gives {@code payload} the next sequence and queues it for the writer. Delivery thread only.
	 * @return the batch, with a future completed once it is written and one once it is forced
	 */
	public HandoffAppend append(byte[] payload) {
		LoggedBatch batch = this.last.next(this.clock.millis(), payload);
		this.last = batch.position();
		HandoffAppend append = new HandoffAppend(batch);
		if (this.closing) {
			append.fail(new IOException("hand-off log is closing"));
		}
		else if (!this.committer.offer(append)) {
			this.holes.add(batch.sequence());
			append.fail(new IOException("hand-off writer has " + MAX_QUEUED + " batches waiting"));
		}
		return append;
	}

	/** Asks the writer to force what it has written: some answer needs a batch on disk. */
	public void requestForce() {
		if (!this.writer.forceRequested()) {
			this.writer.requestForce();
			this.committer.offer(HandoffWriter.WAKE);
		}
	}

	/**
	 * What delivery has achieved: every replica has every batch through {@code everywhere}, and at
	 * least one has every batch through {@code somewhere}. The writer deletes segments accordingly.
	 */
	public void delivered(long everywhere, long somewhere) {
		this.deliveredEverywhere = everywhere;
		this.deliveredSomewhere = somewhere;
		this.holes.headSet(everywhere, true).clear();
	}

	long deliveredEverywhere() {
		return this.deliveredEverywhere;
	}

	long deliveredSomewhere() {
		return this.deliveredSomewhere;
	}

	/** The segment holding {@code sequence}, if the log still has it. */
	@Nullable HandoffSegment segmentOf(long sequence) {
		Map.Entry<Long, HandoffSegment> floor = this.segments.floorEntry(sequence);
		if (floor == null || floor.getValue().lastSequence() < sequence) {
			return null;
		}
		return floor.getValue();
	}

	/** A reader of the records from {@code sequence} on, as far as they are written now. */
	LogReader read(long sequence) {
		return this.log.read(sequence);
	}

	public long totalBytes() {
		return this.log.sizeBytes();
	}

	public int segmentCount() {
		return this.segments.size();
	}

	public int queued() {
		return this.committer.queued();
	}

	boolean isClosing() {
		return this.closing;
	}

	/** Writes what is queued, forces it, closes the files and releases the directory. */
	@Override
	public void close() throws IOException {
		if (this.closing) {
			return;
		}
		this.closing = true;
		this.committer.close();
		try {
			if (this.committer.isStopped()) {
				// The writer's thread has ended: this thread owns the log now.
				this.writer.force();
				this.log.close();
			}
			else {
				logger.error("Hand-off log {}: the writer did not stop within 30 s; its log is left open",
						this.options.dir());
			}
		}
		finally {
			this.lock.close();
		}
	}

}
