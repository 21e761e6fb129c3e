/** The gRPC read API: {@code prometheus.PrometheusService}, health and reflection. */
@NullMarked
package io.prometheusrelay.apiserver.grpc;

import org.jspecify.annotations.NullMarked;
