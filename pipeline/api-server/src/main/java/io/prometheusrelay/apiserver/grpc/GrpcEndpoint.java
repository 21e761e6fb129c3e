package io.prometheusrelay.apiserver.grpc;

import java.util.Objects;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import org.jspecify.annotations.Nullable;

/**
 * Where the gRPC API listens and whom it lets in.
 *
 * @param host address to bind
 * @param port port to bind, 0 for any free one
 * @param credentials TLS (and client certificates), or plain
 * @param authentication checks every call but health checks, or {@code null} to let every call in
 */
public record GrpcEndpoint(String host, int port, ServerCredentials credentials,
		@Nullable ServerInterceptor authentication) {

	public GrpcEndpoint {
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(credentials, "credentials");
	}

	/** Plain, and open to every call. */
	public static GrpcEndpoint plain(String host, int port) {
		return new GrpcEndpoint(host, port, InsecureServerCredentials.create(), null);
	}

}
