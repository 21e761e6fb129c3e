package io.prometheusrelay.log;

/**
 * One segment of a log, as its owner sees it for retention.
 * @param firstSequence the sequence its name gives; its first record's, or later
 * @param lastSequence its last record's; {@code firstSequence - 1} while it has none
 * @param bytes its size on disk
 * @param active whether records are still appended to it
 */
public record SegmentInfo(long firstSequence, long lastSequence, long bytes, boolean active) {
}
