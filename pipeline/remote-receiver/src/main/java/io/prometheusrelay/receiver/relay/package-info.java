/** Relaying decoded batches to the forwarders, with failover. */
@NullMarked
package io.prometheusrelay.receiver.relay;

import org.jspecify.annotations.NullMarked;
