package io.prometheusrelay.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A benchmark's command-line options, {@code --name=value} each. */
final class Options {

	private final Map<String, String> values;

	private Options(Map<String, String> values) {
		this.values = values;
	}

	static Options parse(String[] args) {
		Map<String, String> values = new HashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || !arg.contains("=")) {
				throw new IllegalArgumentException("Options are --name=value, got '" + arg + "'");
			}
			values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		return new Options(values);
	}

	String get(String name, String defaultValue) {
		return this.values.getOrDefault(name, defaultValue);
	}

	/** A duration written as Java's, without its {@code PT}: {@code 30s}, {@code 1m}. */
	Duration duration(String name, String defaultValue) {
		return Duration.parse("PT" + get(name, defaultValue));
	}

	Map<String, String> asMap() {
		return Map.copyOf(this.values);
	}

}
