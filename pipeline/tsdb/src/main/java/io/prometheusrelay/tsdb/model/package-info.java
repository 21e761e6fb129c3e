/**
 * What the engine stores: label sets in Prometheus's order, float samples, native histograms
 * (integer and float), and the matchers that select series. No I/O.
 */
@NullMarked
package io.prometheusrelay.tsdb.model;

import org.jspecify.annotations.NullMarked;
