/** Fan-out of each batch to every api-server, with acks from the whole required set. */
@NullMarked
package io.prometheusrelay.forwarder.fanout;

import org.jspecify.annotations.NullMarked;
