/**
 * TLS for the pipeline's own ports, configured the Spring Boot way: the properties that name an
 * SSL bundle, and the Netty contexts made from it for the relay servers and clients and the gRPC
 * API.
 */
@NullMarked
package io.prometheusrelay.pipeline.tls;

import org.jspecify.annotations.NullMarked;
