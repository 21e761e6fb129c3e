/**
 * A block's {@code chunks/} directory: segment files of checksummed chunks, each chunk addressed by
 * a reference made of its file's sequence number and its offset in that file.
 */
@NullMarked
package io.prometheusrelay.tsdb.chunks;

import org.jspecify.annotations.NullMarked;
