/** Relay targets that follow Spring Cloud discovery. */
@NullMarked
package io.prometheusrelay.pipeline.discovery;

import org.jspecify.annotations.NullMarked;
