package io.prometheusrelay.testsupport;

import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test started (servers, clients, processes), closed after each test in reverse order.
 * Register with {@code @RegisterExtension final Closeables closeables = new Closeables();}.
 */
public final class Closeables implements AfterEachCallback {

	private final Deque<AutoCloseable> started = new ArrayDeque<>();

	/** Registers {@code closeable} to be closed after the test, and returns it. */
	public <T extends AutoCloseable> T add(T closeable) {
		this.started.push(closeable);
		return closeable;
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		Exception first = null;
		while (!this.started.isEmpty()) {
			try {
				this.started.pop().close();
			}
			catch (Exception ex) {
				if (first == null) {
					first = ex;
				}
				else {
					first.addSuppressed(ex);
				}
			}
		}
		if (first != null) {
			throw first;
		}
	}

}
