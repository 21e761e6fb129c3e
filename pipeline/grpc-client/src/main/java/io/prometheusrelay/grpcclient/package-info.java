/** The grpc-client command-line application. */
@NullMarked
package io.prometheusrelay.grpcclient;

import org.jspecify.annotations.NullMarked;
