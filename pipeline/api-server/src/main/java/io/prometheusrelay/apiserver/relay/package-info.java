/** The api-server's end of the relay: batches in, ACK once stored. */
@NullMarked
package io.prometheusrelay.apiserver.relay;

import org.jspecify.annotations.NullMarked;
