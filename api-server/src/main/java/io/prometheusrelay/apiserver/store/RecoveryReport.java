package io.prometheusrelay.apiserver.store;

/**
 * What the store found on start.
 *
 * @param segments segment files read
 * @param records valid records replayed into the index
 * @param truncatedSegments segments whose torn or corrupt tail was cut off
 * @param truncatedBytes bytes cut off in all
 */
public record RecoveryReport(int segments, long records, int truncatedSegments, long truncatedBytes) {
}
