/**
 * A block's {@code index} file, format v2 ({@code tsdb/docs/format/index.md}): the symbol table,
 * the series with their chunks' time ranges and references, and the postings of every label pair,
 * written in one pass over series sorted by their labels and read from a memory map.
 */
@NullMarked
package io.prometheusrelay.tsdb.index;

import org.jspecify.annotations.NullMarked;
