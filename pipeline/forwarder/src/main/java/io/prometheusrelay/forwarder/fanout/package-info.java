/**
 * Fan-out of each batch to every api-server: delivery from the hand-off with a cursor per replica
 * (so a replica that was down, restarting or slow gets what it missed when it returns), the answer
 * to upstream once the required replicas and the log have the batch, and the replicas' meters and
 * health.
 */
@NullMarked
package io.prometheusrelay.forwarder.fanout;

import org.jspecify.annotations.NullMarked;
