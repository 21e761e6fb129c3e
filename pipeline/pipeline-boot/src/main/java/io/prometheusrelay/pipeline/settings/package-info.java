/**
 * Settings of the pipeline services: relay client and server properties, the default ports, and
 * the defaults every service starts with.
 */
@NullMarked
package io.prometheusrelay.pipeline.settings;

import org.jspecify.annotations.NullMarked;
