package io.prometheusrelay.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The real peers that are Go programs, built from their published Go modules by
 * {@code scripts/build-go-peers.sh} (which {@code .ci/run} runs) and cached outside the repository,
 * for the tests and the benchmarks alike.
 */
public enum GoPeer {

	/** HashiCorp's Consul agent. */
	CONSUL("v1.22.0"),

	/** Prometheus v3.5.0's promtool, with the service discoveries Debian's leaves out. */
	PROMTOOL("v0.305.0"),

	/** Prometheus v3.5.0's server: it sends and receives remote-write 2.0, which Debian's 2.42 cannot. */
	PROMETHEUS("v0.305.0");

	private final String defaultVersion;

	GoPeer(String defaultVersion) {
		this.defaultVersion = defaultVersion;
	}

	/**
	 * Where the script leaves the binary ({@code PROMETHEUS_RELAY_CACHE}, by default
	 * {@code ~/.cache/prometheus-relay}, and {@code <NAME>_VERSION}); {@code <NAME>_BINARY}, for
	 * example {@code CONSUL_BINARY}, points elsewhere.
	 */
	public Path binary() {
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

	public boolean isBuilt() {
		return Files.isExecutable(binary());
	}

	/** What to tell someone whose machine lacks the binary. */
	public String howToBuild() {
		String name = name().toLowerCase(Locale.ROOT);
		return "No " + name + " at " + binary() + ": build it with scripts/build-go-peers.sh " + name
				+ " (needs Go; .ci/run does)";
	}

}
