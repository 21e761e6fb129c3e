/** What the services that keep files share: ownership of a data directory. */
@NullMarked
package io.prometheusrelay.pipeline.storage;

import org.jspecify.annotations.NullMarked;
