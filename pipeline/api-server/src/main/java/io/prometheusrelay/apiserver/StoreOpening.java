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
 * one opened for a start that failed is closed.
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
		else if (event instanceof ApplicationFailedEvent && this.opening != null && !this.taken) {
			this.taken = true;
			this.opening.thenAccept(tsdb -> {
				try {
					tsdb.close();
				}
				catch (IOException ex) {
					logger.warn("Store opened for a start that failed did not close: {}", ex.getMessage());
				}
			});
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
		Thread thread = new Thread(() -> {
			try {
				future.complete(Tsdb.open(chosen, Clock.systemUTC()));
			}
			catch (IOException | RuntimeException ex) {
				future.completeExceptionally(ex);
			}
		}, "store-opening");
		thread.setDaemon(true);
		thread.start();
		this.opening = future;
	}

	/**
	 * The store opened ahead, once it is open, if it was opened with {@code expected}; null when it
	 * was not opened ahead or with other options (then it is closed).
	 * @throws IOException if it could not be opened
	 */
	synchronized @Nullable Tsdb take(TsdbOptions expected) throws IOException {
		if (this.opening == null || this.taken) {
			return null;
		}
		this.taken = true;
		Tsdb tsdb;
		try {
			tsdb = this.opening.join();
		}
		catch (CompletionException ex) {
			// As Tsdb.open would have thrown it on this thread.
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw ex;
		}
		if (!expected.equals(this.options)) {
			tsdb.close();
			return null;
		}
		return tsdb;
	}

}
