/**
 * Compaction: the head's oldest block range cut into a block, and blocks merged into longer ones
 * (or, when they overlap, into one), as Prometheus plans them.
 */
@NullMarked
package io.prometheusrelay.tsdb.compact;

import org.jspecify.annotations.NullMarked;
