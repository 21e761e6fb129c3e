/** The proxy's wire formats, shared by the client and the proxy. */
@NullMarked
package io.prometheusrelay.rsocket.wire;

import org.jspecify.annotations.NullMarked;
