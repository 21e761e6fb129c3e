package io.prometheusrelay.proxy.rsocket;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the proxy's RSA key pair on a schedule, on its own thread: generating a key takes a
 * noticeable fraction of a CPU-second, which must not land on a scrape or a connection.
 */
public final class RsaKeyRotation implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RsaKeyRotation.class);

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "rsa-key-rotation");
		thread.setDaemon(true);
		return thread;
	});

	/** @param interval time between rotations; zero or negative for none */
	public RsaKeyRotation(ProxyKeys keys, ProxyMetrics metrics, Duration interval) {
		long millis = interval.toMillis();
		if (millis <= 0) {
			return;
		}
		this.scheduler.scheduleAtFixedRate(() -> {
			try {
				keys.rotateRsa();
				metrics.rsaKeyRotated();
				logger.info("RSA key pair rotated; the previous one decrypts until the next rotation");
			}
			catch (RuntimeException ex) {
				// Keep the schedule: the current key stays in use until a rotation succeeds.
				logger.warn("RSA key rotation failed: {}", ex.toString());
			}
		}, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

}
