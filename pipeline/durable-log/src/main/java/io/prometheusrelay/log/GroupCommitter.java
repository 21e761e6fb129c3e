package io.prometheusrelay.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a log: it takes every item waiting in a bounded queue as one group and
 * hands the group to {@link Handler#commit}, so that many appends in flight share one write and one
 * fsync; between groups, and at least every {@code idleInterval}, it runs {@link Handler#idle} for the
 * owner's housekeeping (interval fsyncs, rolling, retention), which so needs no lock either.
 */
public final class GroupCommitter<T> implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GroupCommitter.class);

	/** What the owner does with its log, always on the committer's thread. */
	public interface Handler<T> {

		/** Commits a group of items, in the order they were offered. */
		void commit(List<T> group);

		/** Housekeeping, between groups and when idle. */
		void idle();

		/** An item the committer will not commit: offered while closing, or left when it stopped. */
		void refuse(T item);

	}

	private final BlockingQueue<T> queue;

	private final int maxGroup;

	private final long idleNanos;

	private final Handler<T> handler;

	private final Thread thread;

	private volatile boolean closing;

	public GroupCommitter(String threadName, int capacity, int maxGroup, Duration idleInterval, Handler<T> handler) {
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.maxGroup = maxGroup;
		this.idleNanos = idleInterval.toNanos();
		this.handler = handler;
		this.thread = new Thread(this::run, threadName);
	}

	public void start() {
		this.thread.start();
	}

	/**
	 * Queues {@code item}; false, with nothing queued, when the queue is full or the committer is
	 * closing. Atomic with {@link #close()}'s start: an item taken is committed or refused, never left.
	 */
	public synchronized boolean offer(T item) {
		return !this.closing && this.queue.offer(item);
	}

	/** Items waiting. */
	public int queued() {
		return this.queue.size();
	}

	/** Whether the caller is the committer's thread. */
	public boolean isCommitterThread() {
		return Thread.currentThread() == this.thread;
	}

	private void run() {
		List<T> group = new ArrayList<>(this.maxGroup);
		long lastIdle = System.nanoTime();
		while (!this.closing || !this.queue.isEmpty()) {
			try {
				T first = this.queue.poll(Math.max(1, this.idleNanos / 2), TimeUnit.NANOSECONDS);
				if (first != null) {
					group.add(first);
					this.queue.drainTo(group, this.maxGroup - 1);
					this.handler.commit(group);
					group.clear();
				}
				if (first == null || System.nanoTime() - lastIdle >= this.idleNanos) {
					this.handler.idle();
					lastIdle = System.nanoTime();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (RuntimeException ex) {
				// A bug, not an I/O fault (the handler deals with those): refuse what is in hand, keep going.
				logger.error("{} failed unexpectedly", this.thread.getName(), ex);
				group.forEach(this.handler::refuse);
				group.clear();
			}
		}
	}

	/** Whether the committer's thread has ended: its owner may then use what the thread owned. */
	public boolean isStopped() {
		return !this.thread.isAlive();
	}

	/**
	 * Stops taking items, commits what is queued, and waits for the thread (at most 30 s; see
	 * {@link #isStopped()}).
	 */
	@Override
	public void close() {
		synchronized (this) {
			if (this.closing) {
				return;
			}
			this.closing = true;
		}
		try {
			this.thread.join(Duration.ofSeconds(30).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		drain(this.handler::refuse);
	}

	private void drain(Consumer<T> refuse) {
		T late;
		while ((late = this.queue.poll()) != null) {
			refuse.accept(late);
		}
	}

}
