/** The remote-receiver application and its configuration. */
@NullMarked
package io.prometheusrelay.receiver;

import org.jspecify.annotations.NullMarked;
