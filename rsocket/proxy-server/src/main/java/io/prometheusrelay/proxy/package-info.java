/** The RSocket proxy application and its configuration. */
@NullMarked
package io.prometheusrelay.proxy;

import org.jspecify.annotations.NullMarked;
