package io.prometheusrelay.apiserver.grpc;

import java.util.concurrent.atomic.LongAdder;

import io.grpc.Context;
import io.grpc.Contexts;
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

	/**
	 * Who makes an accepted call: which of the accepted credentials it carried ({@code credential-N}),
	 * never the secret itself. {@link CallsPerClient} counts calls by it.
	 */
	static final Context.Key<String> CLIENT = Context.key("relay-client");

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
			Context caller = Context.current()
				.withValue(CLIENT, "credential-" + this.credentials.indexOf(headers.get(AUTHORIZATION)));
			return Contexts.interceptCall(caller, call, headers, next);
		}
		return RefusedCall.close(call, refusal);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		GrpcMetrics.rejected(registry, "unauthenticated", this.unauthenticated);
		GrpcMetrics.rejected(registry, "permission_denied", this.denied);
	}

}
