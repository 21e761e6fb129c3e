package io.prometheusrelay.log;

/**
 * What opening a log found and mended.
 * @param segments segment files kept
 * @param records valid records in them
 * @param truncatedSegments segments whose torn tail was cut off
 * @param truncatedBytes bytes cut off in all
 * @param skippedRecords corrupt records in the middle of a segment, skipped and kept on disk
 */
public record LogRecovery(int segments, long records, int truncatedSegments, long truncatedBytes, long skippedRecords) {
}
