package io.prometheusrelay.log;

/**
 * What opening a log found and mended.
 * @param segments segment files kept
 * @param records valid records in them
 * @param truncatedSegments segments whose torn tail was cut off
 * @param truncatedBytes bytes cut off in all
 * @param skippedRecords corrupt records in the middle of a segment, skipped and kept on disk
 * @param unreadableSegments segments before the newest that could not be read to their end (a
 * damaged record length or header): what follows the damage is left on disk, not read
 */
public record LogRecovery(int segments, long records, int truncatedSegments, long truncatedBytes, long skippedRecords,
		int unreadableSegments) {
}
