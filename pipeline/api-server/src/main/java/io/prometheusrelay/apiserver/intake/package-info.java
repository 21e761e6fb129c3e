/** Batches the forwarder relays, into the store: ACK once stored. */
@NullMarked
package io.prometheusrelay.apiserver.intake;

import org.jspecify.annotations.NullMarked;
