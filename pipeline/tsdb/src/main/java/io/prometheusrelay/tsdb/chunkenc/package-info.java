/**
 * Prometheus's chunk encodings ({@code tsdb/docs/format/chunks.md}): XOR for floats (Gorilla's
 * delta-of-delta timestamps and XORed values), and the histogram and float-histogram encodings for
 * native histograms; each with a builder that appends to an open chunk and an iterator that reads a
 * closed one back.
 */
@NullMarked
package io.prometheusrelay.tsdb.chunkenc;

import org.jspecify.annotations.NullMarked;
