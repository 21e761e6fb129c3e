package io.prometheusrelay.apiserver.grpc;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;

/** Meters of the read API, per method. */
final class GrpcMetrics {

	final MethodMetrics getMetrics;

	final MethodMetrics getMetricsBatches;

	private final Counter invalid;

	private final Counter exhausted;

	GrpcMetrics(MeterRegistry registry) {
		this.getMetrics = new MethodMetrics(registry, "GetMetrics");
		this.getMetricsBatches = new MethodMetrics(registry, "GetMetricsBatches");
		this.invalid = Counter.builder("relay.grpc.calls.rejected")
			.tag("reason", "invalid_argument")
			.description("Calls refused before streaming")
			.register(registry);
		this.exhausted = Counter.builder("relay.grpc.calls.rejected")
			.tag("reason", "resource_exhausted")
			.description("Calls refused before streaming")
			.register(registry);
	}

	void invalid() {
		this.invalid.increment();
	}

	void exhausted() {
		this.exhausted.increment();
	}

	int activeCalls() {
		return this.getMetrics.active.get() + this.getMetricsBatches.active.get();
	}

	static final class MethodMetrics {

		final AtomicInteger active = new AtomicInteger();

		private final Counter calls;

		private final Counter cancelled;

		private final Counter series;

		private final Counter messages;

		private final Counter bytes;

		MethodMetrics(MeterRegistry registry, String method) {
			Gauge.builder("relay.grpc.calls.active", this.active, AtomicInteger::get)
				.tag("method", method)
				.description("Streaming calls in progress")
				.register(registry);
			this.calls = Counter.builder("relay.grpc.calls").tag("method", method).description("Calls started").register(registry);
			this.cancelled = Counter.builder("relay.grpc.calls.cancelled")
				.tag("method", method)
				.description("Calls the client cancelled or whose deadline passed")
				.register(registry);
			this.series = Counter.builder("relay.grpc.series.sent")
				.tag("method", method)
				.description("Series handed to the transport")
				.register(registry);
			this.messages = Counter.builder("relay.grpc.messages.sent")
				.tag("method", method)
				.description("Messages handed to the transport")
				.register(registry);
			this.bytes = Counter.builder("relay.grpc.sent")
				.tag("method", method)
				.baseUnit(BaseUnits.BYTES)
				.description("Message bytes handed to the transport")
				.register(registry);
		}

		void started() {
			this.calls.increment();
			this.active.incrementAndGet();
		}

		void sent(int series, int bytes) {
			this.series.increment(series);
			this.messages.increment();
			this.bytes.increment(bytes);
		}

		void cancelled() {
			this.cancelled.increment();
		}

		void ended() {
			this.active.decrementAndGet();
		}

	}

}
