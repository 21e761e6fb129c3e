/**
 * The head's write-ahead log, on the pipeline's durable log: one record per batch, with the labels of
 * the series it is the first to bring and every sample by series reference; and the checkpoints that
 * hold the head's chunks, so that a restart replays only what came after the last one.
 */
@NullMarked
package io.prometheusrelay.tsdb.wal;

import org.jspecify.annotations.NullMarked;
