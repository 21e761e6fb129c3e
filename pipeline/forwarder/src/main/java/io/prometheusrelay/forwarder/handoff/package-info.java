/**
 * The forwarder's hand-off log: every batch taken from upstream, durable on demand, in the
 * pipeline's segmented log, until every replica has it or its limits drop it.
 */
@NullMarked
package io.prometheusrelay.forwarder.handoff;

import org.jspecify.annotations.NullMarked;
