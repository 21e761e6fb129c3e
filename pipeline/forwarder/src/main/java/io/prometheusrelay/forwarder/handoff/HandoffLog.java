package io.prometheusrelay.forwarder.handoff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.prometheusrelay.log.DataDirectoryLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable part of the hand-off: every batch taken from upstream, appended under the next
 * sequence number to segment files in one directory. One writer thread owns the files: it writes
 * every waiting append as one group, and rolls and deletes segments.
 * <p>
 * Forcing to disk is on demand. A batch every replica acknowledged needs no copy here, so in the
 * common case nothing is forced and the log costs a write to the page cache; when a batch's answer
 * needs the log (a replica is behind or failed), {@link #requestForce()} has the writer force every
 * written batch at once, a group commit, and complete their {@link HandoffAppend#durable} futures. Batches
 * are forced within a second in any case, and before their segment is closed.
 * <p>
 * A failed write is never followed by appends to the same file: the group is cut off again, the
 * segment is closed, and the next group starts a new one. The failed sequences are holes that
 * delivery skips (their senders were NACKed and retry).
 * <p>
 * Longer than this project's usual 300 lines on purpose: the writer thread's state (the active
 * segment, the unforced batches, the length forced so far) and the segment map delivery reads change
 * together under the rules above, which would span classes if the writer were split from the log.
 * The segment file ({@link HandoffSegment}), the pending append ({@link HandoffAppend}) and reading
 * ({@link HandoffReader}) are classes of their own.
 */
final class HandoffLog implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HandoffLog.class);

	private static final int MAX_GROUP = 512;

	private final HandoffOptions options;

	private final Clock clock;

	private final DataDirectoryLock lock;

	/** Segments by first sequence; the last one may be active. Read by delivery, changed by the writer. */
	private final ConcurrentSkipListMap<Long, HandoffSegment> segments = new ConcurrentSkipListMap<>();

	/** Sequences whose write failed: never on disk, skipped by delivery. */
	private final ConcurrentSkipListSet<Long> holes = new ConcurrentSkipListSet<>();

	private final BlockingQueue<HandoffAppend> queue = new LinkedBlockingQueue<>();

	/** Put in the queue to wake the writer for a force; never written. */
	private static final HandoffAppend WAKE = new HandoffAppend(LoggedBatch.ORIGIN);

	private static final long FORCE_AT_LEAST_EVERY_MILLIS = 1000;

	/**
	 * Written to the active segment and not forced yet, oldest first: their sequences and durable
	 * futures, not their payloads, which should die young. Writer thread only.
	 */
	private final List<Unforced> unforced = new ArrayList<>();

	/** The active segment's length, and its last batch, as of the last force. Writer thread only. */
	private long forcedLength;

	private LoggedBatch forcedThrough = LoggedBatch.ORIGIN;

	private long oldestUnforcedAt;

	private volatile boolean forceRequested;

	private final Thread writer;

	private final HandoffMetrics metrics;

	/** The last batch given a sequence. Delivery thread only. */
	private LoggedBatch last;

	/** Written by the writer thread, read by delivery ({@link #isFull()}). */
	private volatile @Nullable HandoffSegment active;

	/** Sequences given out before a crash that never reached the disk (set at start only). */
	private volatile long skippedFrom = Long.MAX_VALUE;

	private volatile long skippedThrough = -1;

	private volatile long deliveredEverywhere;

	private volatile long deliveredSomewhere;

	private volatile @Nullable Consumer<HandoffSegment> onDropped;

	private volatile boolean closing;

	private HandoffLog(HandoffOptions options, Clock clock, HandoffMetrics metrics) throws IOException {
		this.options = options;
		this.clock = clock;
		this.metrics = metrics;
		Files.createDirectories(options.dir());
		this.lock = DataDirectoryLock.acquire(options.dir(), "forwarder");
		try {
			this.last = recover();
		}
		catch (IOException | RuntimeException ex) {
			this.lock.close();
			throw ex;
		}
		this.writer = new Thread(this::runWriter, "handoff-writer");
		this.writer.start();
	}

	static HandoffLog open(HandoffOptions options, Clock clock, HandoffMetrics metrics) throws IOException {
		return new HandoffLog(options, clock, metrics);
	}

	/** Reads every segment, cuts torn tails, and returns the last batch held (or the origin). */
	private LoggedBatch recover() throws IOException {
		LoggedBatch newest = LoggedBatch.ORIGIN;
		for (Path file : list(this.options.dir())) {
			HandoffSegment segment = new HandoffSegment(file, HandoffLogFormat.firstSequence(file.getFileName().toString()));
			try (HandoffSegmentReader reader = new HandoffSegmentReader(file)) {
				LoggedBatch batch;
				while ((batch = reader.next()) != null) {
					segment.lastSequence = batch.sequence();
					segment.last = batch.position();
					segment.firstAppendedAt = Math.min(segment.firstAppendedAt, batch.appendedAtMillis());
					newest = batch.position();
				}
				if (reader.tornReason() != null) {
					logger.warn("Hand-off segment {}: {}; cutting {} bytes", file.getFileName(), reader.tornReason(),
							reader.fileSize() - reader.validLength());
					this.metrics.truncations.increment();
					try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
						channel.truncate(Math.max(reader.validLength(), 0));
					}
				}
			}
			if (segment.lastSequence < segment.firstSequence) {
				Files.delete(file);
				continue;
			}
			segment.size = Files.size(file);
			this.segments.put(segment.firstSequence, segment);
		}
		if (!this.segments.isEmpty()) {
			logger.info("Hand-off log {}: {} segments, batches {} to {}", this.options.dir(), this.segments.size(),
					this.segments.firstKey(), newest.sequence());
		}
		return newest;
	}

	/**
	 * Makes sure the next sequence is past {@code sequence}: a replica may have acknowledged batches
	 * that a crash kept from reaching this disk, and their numbers must not be given out again.
	 */
	void skipPast(LoggedBatch position) {
		if (position.sequence() > this.last.sequence()) {
			this.skippedFrom = Math.min(this.skippedFrom, this.last.sequence() + 1);
			this.skippedThrough = position.sequence();
			this.last = position.position();
		}
	}

	/** Called with every segment dropped before all replicas had it, on the writer thread. */
	void onDropped(Consumer<HandoffSegment> listener) {
		this.onDropped = listener;
	}

	/** The last batch given a sequence. Delivery thread only. */
	LoggedBatch last() {
		return this.last;
	}

	/** The oldest sequence held on disk, or the next one when the log is empty. */
	long firstHeld() {
		Map.Entry<Long, HandoffSegment> first = this.segments.firstEntry();
		return (first != null) ? first.getKey() : this.last.sequence() + 1;
	}

	/**
	 * Whether the log never held {@code sequence}, or never will again: its write failed (now, or
	 * before a restart: it falls between two segments), or a crash lost it. Delivery skips it.
	 */
	boolean isHole(long sequence) {
		return this.holes.contains(sequence) || (sequence >= this.skippedFrom && sequence <= this.skippedThrough)
				|| (segmentOf(sequence) == null && this.segments.higherKey(sequence) != null
						&& sequence >= firstHeld());
	}

	/**
	 * Whether the log is at its size limit with nothing it may drop (the oldest segment is on no
	 * replica yet): new batches must be refused.
	 */
	boolean isFull() {
		if (totalBytes() < this.options.maxBytes()) {
			return false;
		}
		Map.Entry<Long, HandoffSegment> oldest = this.segments.firstEntry();
		return oldest == null || oldest.getValue() == this.active
				|| oldest.getValue().lastSequence > this.deliveredSomewhere;
	}

	/**
	 * Gives {@code payload} the next sequence and queues it for the writer. Delivery thread only.
	 * @return the batch, with a future completed once it is written and one once it is forced
	 */
	HandoffAppend append(byte[] payload) {
		LoggedBatch batch = this.last.next(this.clock.millis(), payload);
		this.last = batch.position();
		HandoffAppend append = new HandoffAppend(batch);
		if (this.closing) {
			append.fail(new IOException("hand-off log is closing"));
		}
		else {
			this.queue.add(append);
		}
		return append;
	}

	/** Asks the writer to force what it has written: some answer needs a batch on disk. */
	void requestForce() {
		if (!this.forceRequested) {
			this.forceRequested = true;
			this.queue.offer(WAKE);
		}
	}

	/**
	 * What delivery has achieved: every replica has every batch through {@code everywhere}, and at
	 * least one has every batch through {@code somewhere}. The writer deletes segments accordingly.
	 */
	void delivered(long everywhere, long somewhere) {
		this.deliveredEverywhere = everywhere;
		this.deliveredSomewhere = somewhere;
		this.holes.headSet(everywhere, true).clear();
	}

	/** The segment holding {@code sequence}, if the log still has it. */
	@Nullable HandoffSegment segmentOf(long sequence) {
		Map.Entry<Long, HandoffSegment> floor = this.segments.floorEntry(sequence);
		if (floor == null || floor.getValue().lastSequence < sequence) {
			return null;
		}
		return floor.getValue();
	}

	long totalBytes() {
		long total = 0;
		for (HandoffSegment segment : this.segments.values()) {
			total += segment.size;
		}
		return total;
	}

	int segmentCount() {
		return this.segments.size();
	}

	int queued() {
		return this.queue.size();
	}

	private void runWriter() {
		List<HandoffAppend> group = new ArrayList<>(MAX_GROUP);
		while (!this.closing || !this.queue.isEmpty()) {
			try {
				HandoffAppend first = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (first != null) {
					group.add(first);
					this.queue.drainTo(group, MAX_GROUP - 1);
					group.removeIf(append -> append == WAKE);
					if (!group.isEmpty()) {
						write(group);
					}
					group.clear();
				}
				if (this.forceRequested || !this.unforced.isEmpty()
						&& this.clock.millis() - this.oldestUnforcedAt >= FORCE_AT_LEAST_EVERY_MILLIS) {
					force();
				}
				housekeeping();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (IOException | RuntimeException ex) {
				logger.error("Hand-off writer failed unexpectedly", ex);
				group.forEach(append -> append.fail(ex));
				group.clear();
			}
		}
		force();
	}

	/** Forces every written batch to disk and completes their durable futures; on failure, cuts them off. */
	private void force() {
		this.forceRequested = false;
		HandoffSegment segment = this.active;
		if (this.unforced.isEmpty() || segment == null) {
			return;
		}
		List<Unforced> forcing = new ArrayList<>(this.unforced);
		this.unforced.clear();
		try {
			if (this.options.fsync()) {
				long start = System.nanoTime();
				segment.channel().force(false);
				this.metrics.fsync.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			}
			this.forcedLength = segment.size;
			this.forcedThrough = segment.last;
			forcing.forEach(batch -> batch.durable.complete(null));
		}
		catch (IOException ex) {
			// What an fsync failure left in the page cache is not to be trusted: cut it all off.
			abandon(segment);
			lost(forcing, ex);
		}
	}

	private void lost(List<Unforced> batches, IOException ex) {
		logger.warn("Hand-off log {}: {} batches not forced to disk: {}", this.options.dir(), batches.size(),
				ex.getMessage());
		for (Unforced batch : batches) {
			this.holes.add(batch.sequence);
			batch.durable.completeExceptionally(ex);
		}
	}

	private void write(List<HandoffAppend> group) {
		HandoffSegment segment;
		try {
			segment = activeSegment(group.get(0).batch.sequence());
		}
		catch (IOException ex) {
			failed(group, ex);
			return;
		}
		ByteBuffer[] buffers = new ByteBuffer[group.size() * 2];
		long bytes = 0;
		for (int i = 0; i < group.size(); i++) {
			LoggedBatch batch = group.get(i).batch;
			buffers[2 * i] = HandoffLogFormat.recordHeader(batch);
			buffers[2 * i + 1] = ByteBuffer.wrap(batch.payload());
			bytes += HandoffLogFormat.RECORD_HEADER_BYTES + batch.payload().length;
		}
		long before = segment.size;
		try {
			while (buffers[buffers.length - 1].hasRemaining()) {
				segment.channel().write(buffers);
			}
		}
		catch (IOException ex) {
			// Cut back to what was forced: the unforced batches before this group go too, as after an fsync failure.
			abandon(segment);
			List<Unforced> earlier = new ArrayList<>(this.unforced);
			this.unforced.clear();
			lost(earlier, ex);
			failed(group, ex);
			return;
		}
		segment.size = before + bytes;
		LoggedBatch lastOfGroup = group.get(group.size() - 1).batch;
		segment.lastSequence = lastOfGroup.sequence();
		segment.last = lastOfGroup.position();
		segment.firstAppendedAt = Math.min(segment.firstAppendedAt, group.get(0).batch.appendedAtMillis());
		this.metrics.appended.increment(group.size());
		if (this.unforced.isEmpty()) {
			this.oldestUnforcedAt = this.clock.millis();
		}
		group.forEach(append -> this.unforced.add(new Unforced(append.batch.sequence(), append.durable)));
		group.forEach(append -> append.written.complete(null));
	}

	private HandoffSegment activeSegment(long firstSequence) throws IOException {
		HandoffSegment current = this.active;
		if (current != null && !dueToRoll(current)) {
			return current;
		}
		if (current != null) {
			force();
			current.close();
			this.active = null;
		}
		Path file = this.options.dir().resolve(HandoffLogFormat.fileName(firstSequence));
		FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		try {
			channel.write(ByteBuffer.wrap(HandoffLogFormat.HEADER));
		}
		catch (IOException ex) {
			channel.close();
			Files.deleteIfExists(file);
			throw ex;
		}
		HandoffSegment segment = new HandoffSegment(file, firstSequence);
		segment.open(channel, this.clock.millis());
		segment.size = HandoffLogFormat.HEADER.length;
		this.segments.put(firstSequence, segment);
		this.active = segment;
		this.forcedLength = segment.size;
		this.forcedThrough = segment.last;
		return segment;
	}

	private boolean dueToRoll(HandoffSegment segment) {
		return segment.size >= this.options.segmentBytes()
				|| this.clock.millis() - segment.openedAt() >= this.options.segmentAge().toMillis();
	}

	/**
	 * Cuts everything after the last force off again and closes the segment: no append ever follows a
	 * failed one in a file.
	 */
	private void abandon(HandoffSegment segment) {
		this.metrics.writeErrors.increment();
		segment.size = this.forcedLength;
		segment.last = this.forcedThrough;
		segment.lastSequence = Math.max(this.forcedThrough.sequence(), segment.firstSequence - 1);
		try {
			segment.channel().truncate(this.forcedLength);
		}
		catch (IOException ex) {
			logger.warn("Hand-off segment {}: could not cut a failed write off: {}", segment.file.getFileName(),
					ex.getMessage());
		}
		segment.close();
		this.active = null;
		if (segment.lastSequence < segment.firstSequence) {
			this.segments.remove(segment.firstSequence);
			deleteQuietly(segment.file);
		}
	}

	private void failed(List<HandoffAppend> group, IOException ex) {
		logger.warn("Hand-off log {}: write of {} batches failed: {}", this.options.dir(), group.size(), ex.getMessage());
		for (HandoffAppend append : group) {
			this.holes.add(append.batch.sequence());
			append.fail(ex);
		}
	}

	/** Deletes closed segments that every replica has, then, over the limits, those that some replica has. */
	private void housekeeping() throws IOException {
		HandoffSegment current = this.active;
		if (current != null && !this.closing && dueToRoll(current) && current.lastSequence >= current.firstSequence) {
			force();
			current.close();
			this.active = null;
		}
		for (HandoffSegment segment : this.segments.values()) {
			if (segment == this.active) {
				return;
			}
			boolean everywhere = segment.lastSequence <= this.deliveredEverywhere;
			boolean overLimit = totalBytes() > this.options.maxBytes()
					|| this.clock.millis() - segment.firstAppendedAt > this.options.maxAge().toMillis();
			if (!everywhere && !(overLimit && segment.lastSequence <= this.deliveredSomewhere)) {
				return;
			}
			this.segments.remove(segment.firstSequence);
			Files.deleteIfExists(segment.file);
			if (!everywhere) {
				this.metrics.droppedSegments.increment();
				logger.warn("Hand-off log {}: over its limits, dropped batches {} to {} that not every replica has",
						this.options.dir(), segment.firstSequence, segment.lastSequence);
				Consumer<HandoffSegment> listener = this.onDropped;
				if (listener != null) {
					listener.accept(segment);
				}
			}
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			logger.warn("Could not delete {}: {}", file, ex.getMessage());
		}
	}

	static List<Path> list(Path dir) throws IOException {
		List<Path> files = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
				entry -> HandoffLogFormat.isSegment(entry.getFileName().toString()))) {
			entries.forEach(files::add);
		}
		files.sort(null);
		return files;
	}

	/** Writes what is queued, closes the files and releases the directory. */
	@Override
	public void close() throws IOException {
		if (this.closing) {
			return;
		}
		this.closing = true;
		try {
			this.writer.join(30_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		HandoffSegment current = this.active;
		if (current != null) {
			current.close();
		}
		this.lock.close();
	}

	/** A written batch waiting for a force. */
	private record Unforced(long sequence, CompletableFuture<Void> durable) {
	}

}
