/** Shared secrets the proxy accepts: from applications in SETUP, and from Prometheus on its scrapes. */
@NullMarked
package io.prometheusrelay.proxy.auth;

import org.jspecify.annotations.NullMarked;
