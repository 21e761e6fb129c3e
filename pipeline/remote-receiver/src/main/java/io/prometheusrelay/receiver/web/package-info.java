/** The remote-write HTTP endpoint. */
@NullMarked
package io.prometheusrelay.receiver.web;

import org.jspecify.annotations.NullMarked;
