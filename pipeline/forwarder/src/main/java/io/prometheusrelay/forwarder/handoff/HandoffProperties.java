package io.prometheusrelay.forwarder.handoff;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.util.unit.DataSize;

/** The hand-off log and how long batches wait for the replicas; bound under {@code relay.forwarder.handoff}. */
public class HandoffProperties {

	/** Directory of the hand-off log and the replicas' cursors; owned by one forwarder, which locks it. */
	private Path dir = Path.of("data", "forwarder");

	/** Whether each group of batches is forced to disk before upstream is acknowledged. */
	private boolean fsync = true;

	/**
	 * Size limit of the log. Past it, batches that only some replicas have are dropped for the others
	 * (counted in relay_forwarder_replica_missing_batches); when no replica has them, new batches are
	 * NACKed as retryable instead.
	 */
	private DataSize maxSize = DataSize.ofGigabytes(1);

	/** Batches older than this that some replica has are dropped for the others. */
	private Duration maxAge = Duration.ofHours(3);

	/** A segment is rolled once it holds this much. */
	private DataSize segmentSize = DataSize.ofMegabytes(16);

	/** A segment is rolled once it is this old, so that what every replica has can be deleted. */
	private Duration segmentAge = Duration.ofMinutes(1);

	/**
	 * Newest batches kept in memory, so that replicas in sync and briefly failed ones are sent them
	 * without reading the disk. A batch leaves as soon as every replica has it; the budget only
	 * matters while one is behind (kept small: long-lived payloads cost old-generation GCs).
	 */
	private DataSize memorySize = DataSize.ofMegabytes(16);

	/**
	 * How long a batch waits for the answers of the replicas in sync before upstream is answered with
	 * what has come. Keep it below the receiver's ack-deadline.
	 */
	private Duration ackWait = Duration.ofSeconds(5);

	/** A replica not discovered for this long is forgotten: the log stops holding batches for it. */
	private Duration forgetAfter = Duration.ofHours(3);

	public HandoffOptions toOptions() {
		return new HandoffOptions(this.dir, this.fsync, this.maxSize.toBytes(), this.maxAge, this.segmentSize.toBytes(),
				this.segmentAge, this.memorySize.toBytes(), this.ackWait, this.forgetAfter);
	}

	public Path getDir() {
		return this.dir;
	}

	public void setDir(Path dir) {
		this.dir = dir;
	}

	public boolean isFsync() {
		return this.fsync;
	}

	public void setFsync(boolean fsync) {
		this.fsync = fsync;
	}

	public DataSize getMaxSize() {
		return this.maxSize;
	}

	public void setMaxSize(DataSize maxSize) {
		this.maxSize = maxSize;
	}

	public Duration getMaxAge() {
		return this.maxAge;
	}

	public void setMaxAge(Duration maxAge) {
		this.maxAge = maxAge;
	}

	public DataSize getSegmentSize() {
		return this.segmentSize;
	}

	public void setSegmentSize(DataSize segmentSize) {
		this.segmentSize = segmentSize;
	}

	public Duration getSegmentAge() {
		return this.segmentAge;
	}

	public void setSegmentAge(Duration segmentAge) {
		this.segmentAge = segmentAge;
	}

	public DataSize getMemorySize() {
		return this.memorySize;
	}

	public void setMemorySize(DataSize memorySize) {
		this.memorySize = memorySize;
	}

	public Duration getAckWait() {
		return this.ackWait;
	}

	public void setAckWait(Duration ackWait) {
		this.ackWait = ackWait;
	}

	public Duration getForgetAfter() {
		return this.forgetAfter;
	}

	public void setForgetAfter(Duration forgetAfter) {
		this.forgetAfter = forgetAfter;
	}

}
