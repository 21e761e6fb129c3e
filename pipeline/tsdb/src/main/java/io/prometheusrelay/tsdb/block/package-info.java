/**
 * Blocks: a directory named by a ULID holding {@code meta.json}, {@code index}, {@code chunks/} and
 * {@code tombstones}, exactly as Prometheus lays them out, written into a temporary directory and
 * renamed into place whole; and the reader that opens one and confines its corruption.
 */
@NullMarked
package io.prometheusrelay.tsdb.block;

import org.jspecify.annotations.NullMarked;
