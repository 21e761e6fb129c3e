/** The storage engine as the api-server runs it: its meters and its health. */
@NullMarked
package io.prometheusrelay.apiserver.store;

import org.jspecify.annotations.NullMarked;
