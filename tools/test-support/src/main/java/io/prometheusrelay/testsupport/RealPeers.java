package io.prometheusrelay.testsupport;

import io.prometheusrelay.harness.GoPeer;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when a real peer it needs (a Debian package, a binary built from a Go module, a
 * mount only root can make) is missing: on a developer's machine it is skipped with a message saying
 * how to get the peer; under {@code CI=true}, where {@code .ci/run} installs every peer, it fails,
 * so that a missing peer can never pass as a skipped test.
 */
public final class RealPeers {

	private RealPeers() {
	}

	/** Carries on when {@code present}; otherwise skips the test, or fails it under CI. */
	public static void require(boolean present, String howToGetIt) {
		if (present) {
			return;
		}
		if (isCi()) {
			throw new AssertionError("A real peer is missing under CI=true: " + howToGetIt);
		}
		Assumptions.abort(howToGetIt);
	}

	/** Carries on when the Go peer has been built; otherwise skips the test, or fails it under CI. */
	public static void requireBuilt(GoPeer peer) {
		require(peer.isBuilt(), peer.howToBuild());
	}

	static boolean isCi() {
		return "true".equalsIgnoreCase(System.getenv("CI"));
	}

}
