package io.prometheusrelay.receiver.web;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes held by requests in progress (bodies and decoded batches). Past the budget, requests are
 * turned away with 503 before allocating more, so a burst or a flood cannot grow the heap unbounded.
 */
final class InFlightBudget {

	private final long limit;

	private final AtomicLong used = new AtomicLong();

	InFlightBudget(long limit) {
		this.limit = limit;
	}

	boolean tryAcquire(long bytes) {
		while (true) {
			long current = this.used.get();
			if (current + bytes > this.limit) {
				return false;
			}
			if (this.used.compareAndSet(current, current + bytes)) {
				return true;
			}
		}
	}

	void release(long bytes) {
		this.used.addAndGet(-bytes);
	}

	long used() {
		return this.used.get();
	}

	long limit() {
		return this.limit;
	}

}
