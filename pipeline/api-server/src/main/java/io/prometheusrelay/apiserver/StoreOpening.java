package io.prometheusrelay.apiserver;

import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;

/**
 * Opens the store on a thread of its own as soon as the configuration is known, while Spring creates
 * everything else. Loading the head's checkpoint and replaying the log after it take seconds with
 * 100,000 series, about as long as the JVM and Spring take to start on a small machine; side by side,
 * a restart serves again after the longer of the two, not after their sum. The store bean takes the
 * store from here ({@link #take}); a store that failed to open fails the start as it always did, and
 * one that no one took (a start that failed, other options, a store bean made lazily) is closed.
 */
final class StoreOpening implements SmartApplicationListener {

	private static final Logger logger = LoggerFactory.getLogger(StoreOpening.class);

	static final String BEAN_NAME = "storeOpening";

	private @Nullable CompletableFuture<Tsdb> opening;

	private @Nullable TsdbOptions options;

	private boolean taken;

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType)
				|| ApplicationPreparedEvent.class.isAssignableFrom(eventType)
				|| ApplicationReadyEvent.class.isAssignableFrom(eventType)
				|| ApplicationFailedEvent.class.isAssignableFrom(eventType);
	}

	/** After every other listener of the environment, so that all configuration is in it. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public synchronized void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
			start(Binder.get(prepared.getEnvironment()));
		}
		else if (event instanceof ApplicationPreparedEvent prepared) {
			prepared.getApplicationContext().getBeanFactory().registerSingleton(BEAN_NAME, this);
		}
		else if (event instanceof ApplicationFailedEvent) {
			// Before the start's failure is final, so that the directory's lock is free when it is.
			closeUntaken(true);
		}
		else if (event instanceof ApplicationReadyEvent) {
			// Started without taking it (the store bean created lazily, say): it opens its own.
			closeUntaken(false);
		}
	}

	private void start(Binder binder) {
		try {
			this.options = binder.bindOrCreate("relay.api-server", ApiServerProperties.class).getStore().toOptions();
		}
		catch (RuntimeException ex) {
			// The properties bean reports what is wrong with them, as it would without this.
			logger.debug("Store not opened ahead: {}", ex.getMessage());
			return;
		}
		TsdbOptions chosen = this.options;
		CompletableFuture<Tsdb> future = new CompletableFuture<>();
		// Not a daemon: the store's own threads (its writer) take this from the thread that opens it.
		Thread thread = new Thread(() -> {
			try {
				future.complete(Tsdb.open(chosen, Clock.systemUTC()));
			}
			catch (Throwable ex) {
				future.completeExceptionally(ex);
				if (ex instanceof Error error) {
					throw error;
				}
			}
		}, "store-opening");
		thread.start();
		this.opening = future;
	}

	/**
	 * The store opened ahead, once it is open, if it was opened with {@code expected}; null when it
	 * was not opened ahead, or with other options (it is closed once open, and the caller opens its
	 * own).
	 * @throws IOException if it could not be opened
	 */
	synchronized @Nullable Tsdb take(TsdbOptions expected) throws IOException {
		if (this.opening == null || this.taken) {
			return null;
		}
		if (!expected.equals(this.options)) {
			closeUntaken(true);
			return null;
		}
		this.taken = true;
		try {
			return this.opening.join();
		}
		catch (CompletionException ex) {
			// As Tsdb.open would have thrown it on this thread.
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	/** Closes the store opened ahead if no one took it; with {@code wait}, before returning. */
	private void closeUntaken(boolean wait) {
		if (this.opening == null || this.taken) {
			return;
		}
		this.taken = true;
		CompletableFuture<Void> closed = this.opening.thenAccept(tsdb -> {
			try {
				tsdb.close();
			}
			catch (IOException ex) {
				logger.warn("Store opened ahead and not used did not close: {}", ex.getMessage());
			}
		});
		if (wait) {
			try {
				closed.join();
			}
			catch (CompletionException ex) {
				// It never opened: nothing to close.
			}
		}
	}

}
