package io.prometheusrelay.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.model.WriteBatch;

/**
 * Appends batches to the engine as the api-server does, many in flight (so that they share its
 * group commits), at most {@value #IN_FLIGHT} at once, in order; fails on the first batch refused.
 */
final class EngineFeeder {

	private static final int IN_FLIGHT = 256;

	private final Tsdb tsdb;

	private final Semaphore inFlight = new Semaphore(IN_FLIGHT);

	private final AtomicReference<Throwable> failure = new AtomicReference<>();

	EngineFeeder(Tsdb tsdb) {
		this.tsdb = tsdb;
	}

	void append(List<WriteBatch> batches) throws InterruptedException {
		for (WriteBatch batch : batches) {
			this.inFlight.acquire();
			this.tsdb.append(batch).whenComplete((result, ex) -> {
				if (ex != null) {
					this.failure.compareAndSet(null, ex);
				}
				this.inFlight.release();
			});
		}
		Throwable failed = this.failure.get();
		if (failed != null) {
			throw new IllegalStateException("The engine refused a batch: " + failed, failed);
		}
	}

	/** Waits until every batch appended is stored. */
	void awaitAll() throws InterruptedException, ExecutionException {
		if (!this.inFlight.tryAcquire(IN_FLIGHT, 5, TimeUnit.MINUTES)) {
			throw new IllegalStateException("Batches still not stored after 5 minutes");
		}
		this.inFlight.release(IN_FLIGHT);
		Throwable failed = this.failure.get();
		if (failed != null) {
			throw new ExecutionException(failed);
		}
	}

	/** CPU seconds of the live thread named {@code name} (the engine's writer, its maintenance); NaN if none. */
	static double threadCpuSeconds(String name) {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().equals(name)) {
				return threads.getThreadCpuTime(thread.getId()) / 1e9;
			}
		}
		return Double.NaN;
	}

}
