package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.log.DataDirectoryLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable storage of relayed batches: each batch becomes one checksummed record appended to the
 * active segment, {@code <data-dir>/<UTC timestamp>.seg}; {@code latest} links to the newest.
 * <p>
 * One writer thread owns the files. It takes every append waiting in the queue as one group, writes
 * the group with one gathering write, forces it to disk once (per the {@link FsyncPolicy}), updates
 * the {@link LatestIndex}, and only then completes the group's futures: the group commit that lets
 * many batches in flight share one fsync. The same thread rolls segments by size and age and
 * applies retention, so no lock is needed around the files.
 * <p>
 * Longer than this project's usual 300 lines on purpose: appending, rolling, retention and the
 * batch index are all the writer thread's, and the one rule that keeps the store honest (no append
 * after a failed write to the same file; no future completed before its group is forced and
 * indexed) has to read in one place. What is not the writer's is elsewhere: recovery in
 * {@link StoreRecovery} and {@link SegmentReader}, the indexes in {@link LatestIndex} and {@link BatchIndex}, the meters in
 * {@code StoreMetrics}.
 */
public final class SegmentStore implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SegmentStore.class);

	private static final int MAX_GROUP = 512;

	private static final Duration HOUSEKEEPING_INTERVAL = Duration.ofSeconds(5);

	private final StoreOptions options;

	private final Clock clock;

	private final DataDirectoryLock lock;

	private final LatestIndex index = new LatestIndex();

	/** Every batch held; written by the writer thread (and recovery, before it starts). */
	private final BatchIndex batches = new BatchIndex();

	private final StoreFloor floor;

	private final BlockingQueue<Append> queue;

	private final StoreMetrics metrics;

	/** Closed segments, oldest first. Writer thread only, except for the gauges' reads of the totals. */
	private final Deque<Path> closedSegments = new ArrayDeque<>();

	private volatile long closedBytes;

	private volatile ActiveSegment active;

	private final RecoveryReport recovery;

	private final Thread writer;

	private volatile boolean closing;

	/** Called with every batch once it is stored and indexed (FOLLOW readers). */
	private final List<Consumer<byte[]>> commitListeners = new CopyOnWriteArrayList<>();

	/** Why the last group of appends failed to write; null once a later group succeeds. */
	private volatile @Nullable String lastWriteFailure;

	private Instant lastFsync;

	private Instant lastHousekeeping;

	private final SegmentChannels channels;

	private SegmentStore(StoreOptions options, Clock clock, MeterRegistry registry, SegmentChannels channels)
			throws IOException {
		this.options = options;
		this.clock = clock;
		this.channels = channels;
		Files.createDirectories(options.dataDir());
		this.lock = DataDirectoryLock.acquire(options.dataDir(), "api-server");
		try {
			this.floor = StoreFloor.load(options.dataDir());
			this.recovery = StoreRecovery.recover(listSegments(options.dataDir()), this.index, this.batches);
			for (Path segment : listSegments(options.dataDir())) {
				this.closedSegments.addLast(segment);
				this.closedBytes += Files.size(segment);
			}
			this.active = createSegment();
		}
		catch (IOException | RuntimeException ex) {
			this.lock.close();
			throw ex;
		}
		this.queue = new ArrayBlockingQueue<>(options.maxQueuedAppends());
		this.metrics = new StoreMetrics(this);
		this.metrics.bindTo(registry);
		this.metrics.recovered(this.recovery);
		this.lastFsync = clock.instant();
		this.lastHousekeeping = clock.instant();
		this.writer = new Thread(this::runWriter, "segment-writer");
		this.writer.start();
		logger.info("Store {}: {} segments, {} records replayed, {} series; {} torn segments truncated ({} bytes)",
				options.dataDir(), this.recovery.segments(), this.recovery.records(), this.index.size(),
				this.recovery.truncatedSegments(), this.recovery.truncatedBytes());
	}

	/**
	 * Opens the store: locks the directory, recovers and indexes what is there, starts a new segment.
	 * @throws DataDirectoryLock.DataDirectoryInUseException if another instance owns the directory
	 */
	public static SegmentStore open(StoreOptions options, Clock clock, MeterRegistry registry) throws IOException {
		return new SegmentStore(options, clock, registry, SegmentChannels.FILES);
	}

	/** Opens the store with segments written through {@code channels} (tests inject disk faults). */
	static SegmentStore open(StoreOptions options, Clock clock, MeterRegistry registry, SegmentChannels channels)
			throws IOException {
		return new SegmentStore(options, clock, registry, channels);
	}

	/**
	 * Appends one batch (an encoded WriteRequest), unless the store holds a batch with the same
	 * {@link BatchId}: then it completes as stored without a second copy.
	 * @return completes when the batch is stored as the fsync policy promises; fails with
	 * {@link StoreBusyException} when the store cannot take it now, or with the I/O error that
	 * prevented the write
	 */
	public CompletableFuture<Void> append(byte[] writeRequest) {
		return append(writeRequest, true);
	}

	/**
	 * Appends a batch copied from a peer, as {@link #append} does, except that FOLLOW readers are
	 * not told: they follow what is relayed, and a copy is older than what they have seen.
	 */
	public CompletableFuture<Void> appendCopy(byte[] writeRequest) {
		return append(writeRequest, false);
	}

	private CompletableFuture<Void> append(byte[] writeRequest, boolean relayed) {
		// Hashed here, on the caller's thread, so the single writer thread only compares.
		Append append = new Append(writeRequest, BatchId.of(writeRequest), relayed);
		if (this.closing) {
			append.done.completeExceptionally(new StoreBusyException("store is closing"));
		}
		else if (!this.queue.offer(append)) {
			this.metrics.rejectedBusy.increment();
			append.done.completeExceptionally(
					new StoreBusyException("store queue full (" + this.options.maxQueuedAppends() + " appends)"));
		}
		return append.done;
	}

	/**
	 * Calls {@code listener} with every batch stored from now on, on the store's writer thread, after
	 * the batch is acknowledged and indexed. The listener must only hand the batch off (enqueue, wake
	 * a reader): anything slower holds up every append. Closing the returned handle unsubscribes.
	 */
	public AutoCloseable onCommit(Consumer<byte[]> listener) {
		this.commitListeners.add(listener);
		return () -> this.commitListeners.remove(listener);
	}

	public LatestIndex index() {
		return this.index;
	}

	/** Why the most recent write failed, while no write has succeeded since. */
	public Optional<String> lastWriteFailure() {
		return Optional.ofNullable(this.lastWriteFailure);
	}

	/** Segment files on disk, the active one included. */
	public int segmentCount() {
		return this.closedSegments.size() + 1;
	}

	/** Bytes in all segment files. */
	public long totalBytes() {
		return this.closedBytes + this.active.size();
	}

	public RecoveryReport recovery() {
		return this.recovery;
	}

	public Path dataDir() {
		return this.options.dataDir();
	}

	/** Segment files, oldest first, the active one last. */
	public List<Path> segments() {
		try {
			return listSegments(this.options.dataDir());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Whether the store holds a batch with this identity. */
	public boolean holds(BatchId id) {
		return this.batches.contains(id);
	}

	/** Every batch the store holds, segment by segment, oldest first, the active segment's so far included. */
	public List<BatchIndex.Segment> inventory() {
		return this.batches.snapshot();
	}

	/**
	 * The payload of a batch the store holds, read from its segment; empty if the store does not hold
	 * it there (any more: retention may have deleted the segment since it was listed). The record's
	 * place and length are the index's and its checksum is verified; the payload is not hashed again
	 * here, as whoever asked by identity checks it (a peer catching up does).
	 */
	public Optional<byte[]> read(String segment, long offset, BatchId id) throws IOException {
		Optional<BatchIndex.Entry> entry = this.batches.find(segment, offset, id);
		if (entry.isEmpty()) {
			return Optional.empty();
		}
		try {
			return SegmentReader.readAt(this.options.dataDir().resolve(segment), offset, entry.get().size());
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The newest sample of any batch retention has deleted here (ms), {@link Long#MIN_VALUE} if none:
	 * copying from a peer stops there.
	 */
	public long retentionFloor() {
		return this.floor.millis();
	}

	/** How long segments are kept. */
	public Duration retentionMaxAge() {
		return this.options.retentionMaxAge();
	}

	/** Batches the store holds. */
	int indexedBatches() {
		return this.batches.size();
	}

	int queuedAppends() {
		return this.queue.size();
	}

	private void runWriter() {
		List<Append> group = new ArrayList<>(MAX_GROUP);
		while (!this.closing || !this.queue.isEmpty()) {
			try {
				Append first = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (first != null) {
					group.add(first);
					this.queue.drainTo(group, MAX_GROUP - 1);
					commit(group);
					group.clear();
				}
				housekeeping();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (RuntimeException ex) {
				// A bug, not an I/O fault: fail what is in hand and keep the writer alive.
				logger.error("Store writer failed unexpectedly", ex);
				group.forEach(append -> append.done.completeExceptionally(ex));
				group.clear();
			}
		}
	}

	private void commit(List<Append> group) {
		List<Append> fresh = withoutDuplicates(group);
		long validLength = -1;
		long[] offsets = new long[fresh.size()];
		try {
			rollIfDue();
			validLength = this.active.size();
			ByteBuffer[] buffers = new ByteBuffer[fresh.size() * 2];
			long bytes = 0;
			for (int i = 0; i < fresh.size(); i++) {
				byte[] payload = fresh.get(i).payload;
				offsets[i] = validLength + bytes;
				buffers[2 * i] = SegmentFormat.recordHeader(payload);
				buffers[2 * i + 1] = ByteBuffer.wrap(payload);
				bytes += SegmentFormat.RECORD_HEADER_BYTES + payload.length;
			}
			if (!fresh.isEmpty()) {
				this.active.append(buffers);
			}
			if (this.options.fsyncPolicy() == FsyncPolicy.BATCH) {
				// A group of duplicates only wrote nothing: force() is then a no-op.
				fsync();
			}
			this.metrics.committed(fresh.size(), bytes);
			this.metrics.duplicates.increment(group.size() - fresh.size());
			this.lastWriteFailure = null;
		}
		catch (IOException ex) {
			if (validLength >= 0) {
				// Never append after a failed write or fsync: the next group goes to a new segment.
				this.active.abandon(validLength);
			}
			logger.warn("Store {}: write of {} batches failed: {}", this.options.dataDir(), group.size(), ex.getMessage());
			this.metrics.writeErrors.increment();
			this.lastWriteFailure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
			group.forEach(append -> append.done.completeExceptionally(ex));
			return;
		}
		String segment = this.active.path().getFileName().toString();
		long stored = this.clock.millis();
		for (int i = 0; i < fresh.size(); i++) {
			Append append = fresh.get(i);
			long newestSample = indexBatch(append.payload);
			this.batches.add(segment,
					new BatchIndex.Entry(append.id, offsets[i], append.payload.length, newestSample, stored));
			// Durable already; followers hear of it no later than the sender gets its ACK.
			if (append.relayed) {
				for (Consumer<byte[]> listener : this.commitListeners) {
					listener.accept(append.payload);
				}
			}
		}
		group.forEach(append -> append.done.complete(null));
		// After the ACKs: a failed deletion must not turn stored batches into NACKs.
		try {
			applyRetention();
		}
		catch (IOException ex) {
			logger.warn("Store {}: retention failed: {}", this.options.dataDir(), ex.getMessage());
		}
	}

	/** The appends of a group whose batch is neither held already nor earlier in the group. */
	private List<Append> withoutDuplicates(List<Append> group) {
		if (!this.options.deduplicate()) {
			return group;
		}
		List<Append> fresh = new ArrayList<>(group.size());
		Set<BatchId> inGroup = new HashSet<>();
		for (Append append : group) {
			if (!this.batches.contains(append.id) && inGroup.add(append.id)) {
				fresh.add(append);
			}
		}
		return fresh;
	}

	/** Applies a stored batch to the latest-sample index; returns its newest sample timestamp. */
	private long indexBatch(byte[] payload) {
		try {
			return this.index.apply(payload);
		}
		catch (InvalidProtocolBufferException ex) {
			// Relayed batches are validated by the receiver; this is a peer speaking another dialect.
			this.metrics.unindexable.increment();
			logger.warn("Store {}: stored a batch that is not a valid WriteRequest ({}); not indexed",
					this.options.dataDir(), ex.getMessage());
			return Long.MIN_VALUE;
		}
	}

	private void fsync() throws IOException {
		long start = System.nanoTime();
		if (this.active.force()) {
			this.metrics.fsync.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
		this.lastFsync = this.clock.instant();
	}

	private void rollIfDue() throws IOException {
		if (this.active.isFailed()) {
			roll();
			return;
		}
		if (this.active.isEmpty()) {
			return;
		}
		boolean full = this.active.size() >= this.options.segmentMaxBytes();
		boolean old = Duration.between(this.active.createdAt(), this.clock.instant())
			.compareTo(this.options.segmentMaxAge()) >= 0;
		if (full || old) {
			roll();
		}
	}

	private void roll() throws IOException {
		ActiveSegment previous = this.active;
		ActiveSegment next = createSegment();
		previous.close();
		this.closedSegments.addLast(previous.path());
		this.closedBytes += previous.size();
		this.active = next;
		this.metrics.rolls.increment();
		logger.debug("Store {}: rolled to {}", this.options.dataDir(), next.path().getFileName());
	}

	private ActiveSegment createSegment() throws IOException {
		Instant now = this.clock.instant();
		Path path;
		int sequence = 0;
		do {
			path = this.options.dataDir().resolve(SegmentFormat.fileName(now, sequence++));
		}
		while (Files.exists(path));
		ActiveSegment segment = ActiveSegment.create(path, now, this.channels);
		LatestLink.pointAt(path);
		return segment;
	}

	private void housekeeping() {
		Instant now = this.clock.instant();
		if (this.options.fsyncPolicy() == FsyncPolicy.INTERVAL
				&& Duration.between(this.lastFsync, now).compareTo(this.options.fsyncInterval()) >= 0) {
			try {
				fsync();
			}
			catch (IOException ex) {
				// What was acknowledged may or may not be on disk; appending more to this file would not help.
				logger.warn("Store {}: interval fsync failed: {}", this.options.dataDir(), ex.getMessage());
				this.metrics.writeErrors.increment();
				this.lastWriteFailure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
				this.active.abandon(this.active.size());
			}
		}
		if (Duration.between(this.lastHousekeeping, now).compareTo(HOUSEKEEPING_INTERVAL) >= 0) {
			this.lastHousekeeping = now;
			try {
				applyRetention();
			}
			catch (IOException ex) {
				logger.warn("Store {}: retention failed: {}", this.options.dataDir(), ex.getMessage());
			}
		}
	}

	/** Deletes the oldest closed segments while the store is over its byte budget or they are too old. */
	private void applyRetention() throws IOException {
		Instant oldestKept = this.clock.instant().minus(this.options.retentionMaxAge());
		while (!this.closedSegments.isEmpty()) {
			Path oldest = this.closedSegments.peekFirst();
			boolean overBudget = totalBytes() > this.options.retentionMaxBytes();
			boolean expired = Files.getLastModifiedTime(oldest).toInstant().isBefore(oldestKept);
			if (!overBudget && !expired) {
				return;
			}
			long size = Files.size(oldest);
			String name = oldest.getFileName().toString();
			// Raised before the file goes: a crash in between must not let a peer's copy come back.
			this.floor.raise(this.batches.newestSample(name));
			Files.delete(oldest);
			this.batches.remove(name);
			this.closedSegments.removeFirst();
			this.closedBytes -= size;
			this.metrics.retentionDeletions.increment();
			logger.info("Store {}: retention deleted {} ({} bytes, {})", this.options.dataDir(), oldest.getFileName(),
					size, overBudget ? "over the byte limit" : "older than " + this.options.retentionMaxAge());
		}
	}

	static List<Path> listSegments(Path dataDir) throws IOException {
		return SegmentFiles.list(dataDir);
	}

	/** Stops taking appends, commits what is queued, closes the files and releases the directory. */
	@Override
	public void close() throws IOException {
		if (this.closing) {
			return;
		}
		this.closing = true;
		try {
			this.writer.join(Duration.ofSeconds(30).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// An append that raced the writer's last look at the queue: refuse it rather than leave it hanging.
		Append late;
		while ((late = this.queue.poll()) != null) {
			late.done.completeExceptionally(new StoreBusyException("store is closing"));
		}
		try {
			this.active.close();
		}
		finally {
			this.metrics.remove();
			this.lock.close();
		}
	}

	private static final class Append {

		final byte[] payload;

		final BatchId id;

		/** Relayed (FOLLOW readers are told), or copied from a peer. */
		final boolean relayed;

		final CompletableFuture<Void> done = new CompletableFuture<>();

		Append(byte[] payload, BatchId id, boolean relayed) {
			this.payload = payload;
			this.id = id;
			this.relayed = relayed;
		}

	}

}
