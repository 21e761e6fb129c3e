package io.prometheusrelay.apiserver.grpc;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.prometheusrelay.protocol.api.ReadMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-streaming call, sent with flow control: messages are built only while the call is
 * ready (the transport has room), so a slow client holds the server to a bounded number of messages
 * instead of a whole result in memory.
 * <p>
 * Sending happens in {@link #drain()}, which any thread may call (the on-ready callback, or a source
 * that has new data); a work-in-progress counter lets exactly one thread drain at a time, so
 * {@code onNext} is never called concurrently and no wake-up is lost.
 * <p>
 * Drains gRPC triggers run on {@code drains}: the transport thread itself for calls whose selector
 * only compares bytes, the matching pool for calls that run regular-expression patterns, so that
 * matching never holds an event loop.
 */
final class StreamingCall {

	private static final Logger logger = LoggerFactory.getLogger(StreamingCall.class);

	private final ServerCallStreamObserver<EncodedMessage> call;

	private final MessageSource messages;

	private final GrpcMetrics.MethodMetrics metrics;

	private final ReadMode mode;

	/** When the call arrived ({@link System#nanoTime()}), for its duration. */
	private final long arrivedNanos;

	private final AtomicInteger wip = new AtomicInteger();

	private final AtomicBoolean ended = new AtomicBoolean();

	/** Where drains triggered by the source (not by gRPC) run: never the store's writer thread. */
	private final Executor wakeUps;

	/** Where drains triggered by gRPC (the call started, or became ready) run. */
	private final Executor drains;

	StreamingCall(ServerCallStreamObserver<EncodedMessage> call, MessageSource messages,
			GrpcMetrics.MethodMetrics metrics, ReadMode mode, long arrivedNanos, Executor wakeUps, Executor drains) {
		this.call = call;
		this.messages = messages;
		this.metrics = metrics;
		this.mode = mode;
		this.arrivedNanos = arrivedNanos;
		this.wakeUps = wakeUps;
		this.drains = drains;
	}

	/** Registers the callbacks and sends what the call can take now. Call from the method handler. */
	void start() {
		this.metrics.started();
		this.call.setOnCancelHandler(this::cancelled);
		this.call.setOnReadyHandler(() -> this.drains.execute(this::drain));
		this.messages.series.onAvailable(() -> this.wakeUps.execute(this::drain));
		this.drains.execute(this::drain);
	}

	void drain() {
		if (this.wip.getAndIncrement() != 0) {
			return;
		}
		do {
			try {
				sendWhileReady();
			}
			catch (RuntimeException ex) {
				logger.error("Streaming call failed", ex);
				if (end()) {
					this.call.onError(Status.INTERNAL.withDescription("server error: " + ex.getClass().getSimpleName())
						.asRuntimeException());
				}
			}
		}
		while (this.wip.decrementAndGet() != 0);
	}

	private void sendWhileReady() {
		Optional<Status> failure = this.messages.series.failure();
		if (failure.isPresent()) {
			// Even when the call is not ready: a follower that fell behind is told so, not left hanging.
			if (end()) {
				this.call.onError(failure.get().asRuntimeException());
			}
			return;
		}
		while (!this.ended.get() && this.call.isReady()) {
			EncodedMessage message = this.messages.build();
			if (message == null) {
				if (this.messages.isExhausted() && end()) {
					this.call.onCompleted();
				}
				return;
			}
			this.call.onNext(message);
			this.metrics.sent(this.messages.seriesInLastMessage(), message.size());
		}
	}

	private void cancelled() {
		if (end()) {
			this.metrics.cancelled();
		}
	}

	/** Ends the call once: closes the source and counts it. Returns whether this was the first end. */
	private boolean end() {
		if (!this.ended.compareAndSet(false, true)) {
			return false;
		}
		this.messages.close();
		this.metrics.ended(this.mode, this.arrivedNanos);
		return true;
	}

}
