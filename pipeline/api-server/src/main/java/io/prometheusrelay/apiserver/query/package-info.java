/** Selecting series by label matchers, on their encoded labels. */
@NullMarked
package io.prometheusrelay.apiserver.query;

import org.jspecify.annotations.NullMarked;
