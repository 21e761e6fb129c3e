package io.prometheusrelay.tsdb;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work other threads need done on the engine's writer thread (removing series, rolling the log for a
 * checkpoint), queued until the writer runs it between groups: so that the head's series and the log
 * have one owner.
 */
final class WriterTasks {

	private static final Logger logger = LoggerFactory.getLogger(WriterTasks.class);

	private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();

	/** Runs {@code task} on the writer's thread, between groups. */
	void submit(Runnable task) {
		this.queue.add(task);
	}

	/** Runs {@code work} on the writer's thread and waits for it (at most a minute). */
	<T> T call(Supplier<T> work) {
		CompletableFuture<T> done = new CompletableFuture<>();
		submit(() -> {
			try {
				done.complete(work.get());
			}
			catch (RuntimeException ex) {
				done.completeExceptionally(ex);
			}
		});
		try {
			return done.get(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted waiting for the writer", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("The writer did not run a task: " + ex, ex);
		}
	}

	/** Runs what is queued; on the writer's thread only. */
	void runAll() {
		Runnable task;
		while ((task = this.queue.poll()) != null) {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.error("Writer task failed", ex);
			}
		}
	}

}
