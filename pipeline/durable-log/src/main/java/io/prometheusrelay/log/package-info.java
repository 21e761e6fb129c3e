/**
 * One durable log for the pipeline: a directory of segment files, each a header and then records
 * framed by length and CRC32C and numbered in sequence; appended by one owner in groups, forced to
 * disk when the owner says, cut back to the last good record after a torn write or a failed fsync,
 * and deleted a segment at a time from the oldest. Also the atomic replacement of small files.
 */
@NullMarked
package io.prometheusrelay.log;

import org.jspecify.annotations.NullMarked;
