package io.prometheusrelay.apiserver.catchup;

import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** What this replica served to peers catching up from it, counted by the {@link ReplicaService}. */
record ServedMetrics(LongAdder series, LongAdder samples) implements MeterBinder {

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("relay.catchup.served.series", this.series, LongAdder::sum)
			.description("Series sent to peers catching up from this replica (one per time range asked for)")
			.register(registry);
		FunctionCounter.builder("relay.catchup.served.samples", this.samples, LongAdder::sum)
			.description("Samples and histograms sent to peers catching up from this replica")
			.register(registry);
	}

}
