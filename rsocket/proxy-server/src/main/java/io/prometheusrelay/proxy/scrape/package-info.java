/** Pulling every connected application's scrape and serving them merged. */
@NullMarked
package io.prometheusrelay.proxy.scrape;

import org.jspecify.annotations.NullMarked;
