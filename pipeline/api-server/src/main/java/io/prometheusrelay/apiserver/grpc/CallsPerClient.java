package io.prometheusrelay.apiserver.grpc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Bounds the calls one client has in progress at once, so that one client cannot take all of
 * {@code max-concurrent-calls} from the others. A client is the credential it authenticated with,
 * when the API requires credentials ({@link GrpcAuthentication#CLIENT}), else the address it
 * connects from. (Behind HAProxy without credentials, that address is HAProxy's: every call through
 * it is one client's.) A call past the bound is refused with RESOURCE_EXHAUSTED before it starts,
 * and counted in {@code relay_grpc_calls_rejected_total{reason="per_client"}}.
 */
public final class CallsPerClient implements ServerInterceptor, MeterBinder {

	private final int maxCallsPerClient;

	/** Calls in progress per client; a client's entry goes with its last call. */
	private final Map<Object, Integer> calls = new ConcurrentHashMap<>();

	private final LongAdder refused = new LongAdder();

	public CallsPerClient(int maxCallsPerClient) {
		this.maxCallsPerClient = maxCallsPerClient;
	}

	@Override
	public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
			ServerCallHandler<ReqT, RespT> next) {
		Object client = client(call);
		if (!admit(client)) {
			this.refused.increment();
			return RefusedCall.close(call, Status.RESOURCE_EXHAUSTED.withDescription(
					"too many calls in progress from this client (" + this.maxCallsPerClient + "); retry later"));
		}
		AtomicBoolean ended = new AtomicBoolean();
		Runnable release = () -> {
			if (ended.compareAndSet(false, true)) {
				this.calls.computeIfPresent(client, (key, count) -> (count == 1) ? null : count - 1);
			}
		};
		ServerCall.Listener<ReqT> listener;
		try {
			listener = next.startCall(call, headers);
		}
		catch (RuntimeException ex) {
			release.run();
			throw ex;
		}
		// A call ends with exactly one of these, however it ends.
		return new SimpleForwardingServerCallListener<>(listener) {

			@Override
			public void onComplete() {
				release.run();
				super.onComplete();
			}

			@Override
			public void onCancel() {
				release.run();
				super.onCancel();
			}

		};
	}

	private boolean admit(Object client) {
		boolean[] admitted = new boolean[1];
		this.calls.compute(client, (key, count) -> {
			int current = (count == null) ? 0 : count;
			if (current >= this.maxCallsPerClient) {
				return count;
			}
			admitted[0] = true;
			return current + 1;
		});
		return admitted[0];
	}

	private static Object client(ServerCall<?, ?> call) {
		String credential = GrpcAuthentication.CLIENT.get();
		if (credential != null) {
			return credential;
		}
		SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
		return (remote instanceof InetSocketAddress address && address.getAddress() != null) ? address.getAddress()
				: String.valueOf(remote);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		GrpcMetrics.rejected(registry, "per_client", this.refused);
	}

}
