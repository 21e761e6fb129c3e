/**
 * The storage engine: {@link io.prometheusrelay.tsdb.Tsdb} stores batches durably (write-ahead log,
 * then head) and reads them back through one querier over the head and the blocks, which it cuts,
 * merges and retires in the background. Its blocks are Prometheus's own.
 */
@NullMarked
package io.prometheusrelay.tsdb;

import org.jspecify.annotations.NullMarked;
