/**
 * The forwarder's hinted hand-off: a durable log of every batch taken from upstream, and a cursor per
 * api-server that delivers from it, so a replica that was down, restarting or slow gets what it
 * missed when it returns.
 */
@NullMarked
package io.prometheusrelay.forwarder.handoff;

import org.jspecify.annotations.NullMarked;
