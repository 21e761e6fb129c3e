package io.prometheusrelay.tsdb.model;

/**
 * A batch the engine holds: its identity, the oldest and newest timestamps it carried, and when it was
 * stored here (ms since the epoch, by the engine's clock).
 */
public record StoredBatch(BatchId id, long minTime, long maxTime, long storedAt) {
}
