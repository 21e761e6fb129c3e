package io.prometheusrelay.apiserver.catchup;

import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/** What this replica served to peers catching up from it, counted by the {@link ReplicaService}. */
record ServedMetrics(LongAdder batches, LongAdder bytes) implements MeterBinder {

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("relay.catchup.served.batches", this.batches, LongAdder::sum)
			.description("Batches sent to peers catching up from this replica")
			.register(registry);
		FunctionCounter.builder("relay.catchup.served", this.bytes, LongAdder::sum)
			.baseUnit(BaseUnits.BYTES)
			.description("Payload bytes sent to peers catching up from this replica")
			.register(registry);
	}

}
