package io.prometheusrelay.testsupport;

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak while it ran. Registered for every test
 * through JUnit's extension auto-detection (see junit-platform.properties in this jar).
 */
public final class NettyLeakCheckExtension implements AfterAllCallback {

	@Override
	public void afterAll(ExtensionContext context) {
		List<String> leaks = NettyLeaks.drainReports();
		if (!leaks.isEmpty()) {
			throw new AssertionError("Netty reported " + leaks.size() + " buffer leak(s) during "
					+ context.getDisplayName() + ":\n" + String.join("\n", leaks));
		}
	}

}
