/** Auto-configuration of the RSocket client that lets Prometheus scrape a Boot application through the proxy. */
@NullMarked
package io.prometheusrelay.autoconfigure.rsocket;

import org.jspecify.annotations.NullMarked;
