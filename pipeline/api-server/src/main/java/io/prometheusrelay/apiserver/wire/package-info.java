/**
 * Between the pipeline's wire and the storage engine: a relayed batch (an encoded
 * {@code prometheus.WriteRequest}) into the engine's batch, with its identity; and stored series back
 * into {@code prometheus.TimeSeries}, for reads and for peers catching up.
 */
@NullMarked
package io.prometheusrelay.apiserver.wire;

import org.jspecify.annotations.NullMarked;
