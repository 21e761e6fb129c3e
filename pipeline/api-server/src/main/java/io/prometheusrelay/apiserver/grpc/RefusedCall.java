package io.prometheusrelay.apiserver.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/** What an interceptor answers for a call it refuses before it starts: the status, and a listener that ignores the rest. */
final class RefusedCall {

	private RefusedCall() {
	}

	static <ReqT> ServerCall.Listener<ReqT> close(ServerCall<ReqT, ?> call, Status status) {
		call.close(status, new Metadata());
		return new ServerCall.Listener<>() {
		};
	}

}
