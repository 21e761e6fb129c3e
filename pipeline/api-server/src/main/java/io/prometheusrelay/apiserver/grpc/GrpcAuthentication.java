package io.prometheusrelay.apiserver.grpc;

import java.util.concurrent.atomic.LongAdder;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.prometheusrelay.pipeline.auth.Credentials;

/**
 * Checks each call's {@code authorization} metadata before the call starts: UNAUTHENTICATED when
 * none of an accepted scheme was sent, PERMISSION_DENIED when it was not accepted. Both are counted
 * in {@code relay_grpc_calls_rejected_total} (reasons {@code unauthenticated} and
 * {@code permission_denied}).
 */
public final class GrpcAuthentication implements ServerInterceptor, MeterBinder {

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private final Credentials credentials;

	private final LongAdder unauthenticated = new LongAdder();

	private final LongAdder denied = new LongAdder();

	public GrpcAuthentication(Credentials credentials) {
		this.credentials = credentials;
	}

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		Status refusal = switch (this.credentials.check(headers.get(AUTHORIZATION))) {
			case ACCEPTED -> null;
			case MISSING -> {
				this.unauthenticated.increment();
				yield Status.UNAUTHENTICATED
					.withDescription("credentials required (" + String.join(" or ", this.credentials.schemes()) + ")");
			}
			case WRONG -> {
				this.denied.increment();
				yield Status.PERMISSION_DENIED.withDescription("credentials not accepted");
			}
		};
		if (refusal == null) {
			return next.startCall(call, headers);
		}
		call.close(refusal, new Metadata());
		return new ServerCall.Listener<>() {
		};
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		GrpcMetrics.rejected(registry, "unauthenticated", this.unauthenticated);
		GrpcMetrics.rejected(registry, "permission_denied", this.denied);
	}

}
