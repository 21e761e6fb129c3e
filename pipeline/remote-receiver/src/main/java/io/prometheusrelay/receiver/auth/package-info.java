/**
 * Who may write: the credentials the receiver accepts, read once at start-up, and the check of a
 * request's {@code Authorization} header against them.
 */
@NullMarked
package io.prometheusrelay.receiver.auth;

import org.jspecify.annotations.NullMarked;
