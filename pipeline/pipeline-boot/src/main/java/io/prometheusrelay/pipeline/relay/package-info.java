/** Relay settings as Spring Boot properties, and the defaults every pipeline service starts with. */
@NullMarked
package io.prometheusrelay.pipeline.relay;

import org.jspecify.annotations.NullMarked;
