package io.prometheusrelay.forwarder.handoff;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the hand-off log keeps batches, and how long a batch waits for the replicas before upstream is
 * answered.
 *
 * @param dir directory the log owns (locked against a second forwarder)
 * @param fsync whether a group of appends is forced to disk before upstream is acknowledged
 * @param maxBytes the log's size limit; past it, batches every replica has are dropped first, then
 * those only some replica has (the others lose them, counted); if nothing can go, new batches are
 * NACKed as retryable
 * @param maxAge batches older than this that some replica has are dropped for the others
 * @param segmentBytes a segment is rolled once it holds this much
 * @param segmentAge a segment is rolled once it is this old, so delivered batches can be deleted
 * @param memoryBytes newest batches kept in memory for delivery without reading the disk
 * @param ackWait how long a batch waits for the in-sync replicas' answers before upstream is answered
 * with what has come
 * @param forgetAfter a replica no longer discovered for this long is forgotten, and stops holding
 * batches
 */
public record HandoffOptions(Path dir, boolean fsync, long maxBytes, Duration maxAge, long segmentBytes,
		Duration segmentAge, long memoryBytes, Duration ackWait, Duration forgetAfter) {

	public HandoffOptions {
		Objects.requireNonNull(dir, "dir");
		if (maxBytes < segmentBytes) {
			throw new IllegalArgumentException("maxBytes must be at least segmentBytes");
		}
	}

}
