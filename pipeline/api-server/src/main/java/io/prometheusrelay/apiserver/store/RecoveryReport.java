package io.prometheusrelay.apiserver.store;

/**
 * What the store found on start.
 *
 * @param segments segment files read
 * @param records valid records replayed into the index
 * @param truncatedSegments segments whose torn or corrupt tail was cut off
 * @param truncatedBytes bytes cut off in all
 * @param skippedRecords corrupt records in the middle of a segment, left out while the valid records
 * after them are kept
 */
public record RecoveryReport(int segments, long records, int truncatedSegments, long truncatedBytes,
		long skippedRecords) {
}
