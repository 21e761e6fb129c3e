/**
 * The byte-level encodings of Prometheus's file formats: big-endian integers, Go's varints, strings
 * prefixed by their length, and the CRC32C (Castagnoli) checksums every section carries.
 */
@NullMarked
package io.prometheusrelay.tsdb.encoding;

import org.jspecify.annotations.NullMarked;
