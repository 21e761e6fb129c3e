/** Relay frames: the model, the codec, and what the decoder reports instead of a frame it refuses. */
@NullMarked
package io.prometheusrelay.protocol.frame;

import org.jspecify.annotations.NullMarked;
