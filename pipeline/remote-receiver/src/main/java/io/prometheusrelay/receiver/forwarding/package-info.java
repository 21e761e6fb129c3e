/** Handing decoded batches to the forwarders over the relay, with failover. */
@NullMarked
package io.prometheusrelay.receiver.forwarding;

import org.jspecify.annotations.NullMarked;
