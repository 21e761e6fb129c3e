/** Durable segment files with a {@code latest} link, and the in-memory index of the newest samples. */
@NullMarked
package io.prometheusrelay.apiserver.store;

import org.jspecify.annotations.NullMarked;
