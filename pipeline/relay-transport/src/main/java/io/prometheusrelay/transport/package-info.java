/** The relay over TCP: a server that answers each batch with ACK or NACK, and a client that keeps one connection to a peer. */
@NullMarked
package io.prometheusrelay.transport;

import org.jspecify.annotations.NullMarked;
