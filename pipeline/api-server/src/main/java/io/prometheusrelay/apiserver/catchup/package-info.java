/**
 * Catching up from a peer api-server: what the forwarder's hand-off can no longer bring a replica
 * (an outage longer than it holds, a new and empty replica) is copied from a replica that has it.
 */
@NullMarked
package io.prometheusrelay.apiserver.catchup;

import org.jspecify.annotations.NullMarked;
