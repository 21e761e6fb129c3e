/** Decoding and validation of remote-write requests, within limits. */
@NullMarked
package io.prometheusrelay.receiver.decode;

import org.jspecify.annotations.NullMarked;
