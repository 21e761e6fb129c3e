/** Connections from applications over RSocket: accepting them, their keys, their pushes. */
@NullMarked
package io.prometheusrelay.proxy.rsocket;

import org.jspecify.annotations.NullMarked;
