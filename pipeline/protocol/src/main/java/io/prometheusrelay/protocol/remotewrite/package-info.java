/** Remote-write 1.0 messages (generated) and allocation-free reading and writing of their encoded form. */
@NullMarked
package io.prometheusrelay.protocol.remotewrite;

import org.jspecify.annotations.NullMarked;
