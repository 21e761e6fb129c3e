/** The forwarder application and its configuration. */
@NullMarked
package io.prometheusrelay.forwarder;

import org.jspecify.annotations.NullMarked;
