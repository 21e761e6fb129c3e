/** A demo of the starter: a service and a short-lived job, with nothing but meters and properties. */
@NullMarked
package io.prometheusrelay.demo;

import org.jspecify.annotations.NullMarked;
