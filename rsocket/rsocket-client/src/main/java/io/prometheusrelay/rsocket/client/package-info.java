/** The plain-Java client applications use to be scraped through the Prometheus RSocket proxy. */
@NullMarked
package io.prometheusrelay.rsocket.client;

import org.jspecify.annotations.NullMarked;
