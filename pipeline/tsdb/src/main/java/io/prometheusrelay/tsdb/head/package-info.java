/**
 * The head: the series that receive samples now, in memory, each addressed by a short reference, with
 * its closed chunks, its open chunk and the samples that came out of order; the postings that select
 * them; and the snapshots that compaction cuts blocks from.
 */
@NullMarked
package io.prometheusrelay.tsdb.head;

import org.jspecify.annotations.NullMarked;
