package io.prometheusrelay.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.prometheusrelay.testsupport.RealPeers;

/**
 * The tests' real peers that are Go programs, built from their published Go modules by
 * {@code scripts/build-go-peers.sh} (which {@code .ci/run} runs) and cached outside the repository.
 */
enum GoPeer {

	/** HashiCorp's Consul agent. */
	CONSUL("v1.22.0"),

	/** Prometheus v3.5.0's promtool, with the service discoveries Debian's leaves out. */
	PROMTOOL("v0.305.0"),

	/** Prometheus v3.5.0's server: it sends remote-write 2.0, which Debian's 2.42 cannot. */
	PROMETHEUS("v0.305.0");

	private final String defaultVersion;

	GoPeer(String defaultVersion) {
		this.defaultVersion = defaultVersion;
	}

	/** Where the script leaves the binary; CONSUL_BINARY or PROMTOOL_BINARY point elsewhere. */
	Path binary() {
		String upper = name().toUpperCase(Locale.ROOT);
		String configured = System.getenv(upper + "_BINARY");
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured);
		}
		String cache = System.getenv().getOrDefault("PROMETHEUS_RELAY_CACHE",
				Path.of(System.getProperty("user.home"), ".cache", "prometheus-relay").toString());
		String version = System.getenv().getOrDefault(upper + "_VERSION", this.defaultVersion);
		String name = name().toLowerCase(Locale.ROOT);
		return Path.of(cache, name + "-" + version, name);
	}

	/** Skips the calling test (fails it under CI), saying how to build the peer, when it has not been built. */
	void assumeBuilt() {
		String name = name().toLowerCase(Locale.ROOT);
		RealPeers.require(Files.isExecutable(binary()), "No " + name + " at " + binary()
				+ ": build it with scripts/build-go-peers.sh " + name + " (needs Go; .ci/run does)");
	}

}
