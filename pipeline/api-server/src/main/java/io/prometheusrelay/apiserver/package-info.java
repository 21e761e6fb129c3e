/** The api-server application and its configuration. */
@NullMarked
package io.prometheusrelay.apiserver;

import org.jspecify.annotations.NullMarked;
