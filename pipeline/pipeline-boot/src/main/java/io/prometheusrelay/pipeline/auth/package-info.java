/**
 * Who may call: the credentials a listener accepts (the receiver's remote-write endpoint, the gRPC
 * API), read once at start-up, and the check of a request's {@code Authorization} header against
 * them.
 */
@NullMarked
package io.prometheusrelay.pipeline.auth;

import org.jspecify.annotations.NullMarked;
