/** The auto-configuration of the relay wiring the pipeline services share. */
@NullMarked
package io.prometheusrelay.pipeline.autoconfigure;

import org.jspecify.annotations.NullMarked;
