package io.prometheusrelay.apiserver.grpc;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.prometheusrelay.protocol.api.ReadMode;

/** Meters of the read API, per method. The calls count; binding exposes the counts. */
final class GrpcMetrics implements MeterBinder {

	final MethodMetrics getMetrics = new MethodMetrics("GetMetrics");

	final MethodMetrics getMetricsBatches = new MethodMetrics("GetMetricsBatches");

	private final LongAdder invalid = new LongAdder();

	private final LongAdder exhausted = new LongAdder();

	@Override
	public void bindTo(MeterRegistry registry) {
		this.getMetrics.bindTo(registry);
		this.getMetricsBatches.bindTo(registry);
		rejected(registry, "invalid_argument", this.invalid);
		rejected(registry, "resource_exhausted", this.exhausted);
	}

	static void rejected(MeterRegistry registry, String reason, LongAdder count) {
		FunctionCounter.builder("relay.grpc.calls.rejected", count, LongAdder::sum)
			.tag("reason", reason)
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

	static final class MethodMetrics implements MeterBinder {

		final AtomicInteger active = new AtomicInteger();

		private final String method;

		private final LongAdder calls = new LongAdder();

		private final LongAdder cancelled = new LongAdder();

		private final LongAdder series = new LongAdder();

		private final LongAdder messages = new LongAdder();

		private final LongAdder bytes = new LongAdder();

		/** Call durations by mode, once bound. */
		private volatile Map<ReadMode, Timer> durations = Map.of();

		MethodMetrics(String method) {
			this.method = method;
		}

		@Override
		public void bindTo(MeterRegistry registry) {
			Gauge.builder("relay.grpc.calls.active", this.active, AtomicInteger::get)
				.tag("method", this.method)
				.description("Streaming calls in progress")
				.register(registry);
			counter(registry, "relay.grpc.calls", this.calls, "Calls started");
			counter(registry, "relay.grpc.calls.cancelled", this.cancelled,
					"Calls the client cancelled or whose deadline passed");
			counter(registry, "relay.grpc.series.sent", this.series, "Series handed to the transport");
			counter(registry, "relay.grpc.messages.sent", this.messages, "Messages handed to the transport");
			FunctionCounter.builder("relay.grpc.sent", this.bytes, LongAdder::sum)
				.tag("method", this.method)
				.baseUnit(BaseUnits.BYTES)
				.description("Message bytes handed to the transport")
				.register(registry);
			Map<ReadMode, Timer> timers = new EnumMap<>(ReadMode.class);
			for (ReadMode mode : new ReadMode[] { ReadMode.LATEST, ReadMode.RANGE, ReadMode.FOLLOW }) {
				timers.put(mode, Timer.builder("relay.grpc.call.duration")
					.tag("method", this.method)
					.tag("mode", mode.name().toLowerCase(Locale.ROOT))
					.description("Streaming calls from their start to their end (completed, failed or cancelled), by mode")
					.publishPercentileHistogram()
					.minimumExpectedValue(Duration.ofMillis(1))
					.maximumExpectedValue(Duration.ofMinutes(1))
					.register(registry));
			}
			this.durations = timers;
		}

		private void counter(MeterRegistry registry, String name, LongAdder count, String description) {
			FunctionCounter.builder(name, count, LongAdder::sum)
				.tag("method", this.method)
				.description(description)
				.register(registry);
		}

		void started() {
			this.calls.increment();
			this.active.incrementAndGet();
		}

		void sent(int series, int bytes) {
			this.series.add(series);
			this.messages.increment();
			this.bytes.add(bytes);
		}

		void cancelled() {
			this.cancelled.increment();
		}

		/** A call of {@code mode} that arrived at {@code arrivedNanos} ({@link System#nanoTime()}) ended. */
		void ended(ReadMode mode, long arrivedNanos) {
			this.active.decrementAndGet();
			Timer duration = this.durations.get(mode);
			if (duration != null) {
				duration.record(System.nanoTime() - arrivedNanos, TimeUnit.NANOSECONDS);
			}
		}

	}

}
