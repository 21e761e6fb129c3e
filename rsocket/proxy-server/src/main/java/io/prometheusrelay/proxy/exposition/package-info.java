/** Client scrapes in the Prometheus text format, merged into one valid exposition. */
@NullMarked
package io.prometheusrelay.proxy.exposition;

import org.jspecify.annotations.NullMarked;
