/** What a read asks for: its matchers, checked against the read API's limits. */
@NullMarked
package io.prometheusrelay.apiserver.query;

import org.jspecify.annotations.NullMarked;
