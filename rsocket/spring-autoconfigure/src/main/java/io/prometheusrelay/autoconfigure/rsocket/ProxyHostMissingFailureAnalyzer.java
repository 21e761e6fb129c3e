package io.prometheusrelay.autoconfigure.rsocket;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says what to set when the starter has no proxy to connect to, instead of a stack trace. */
class ProxyHostMissingFailureAnalyzer extends AbstractFailureAnalyzer<ProxyHostMissingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ProxyHostMissingException cause) {
		String prefix = PrometheusRSocketClientProperties.PREFIX;
		return new FailureAnalysis(
				"The Prometheus RSocket client is enabled, but " + prefix + ".host is not set: there is no proxy to connect to.",
				"Set " + prefix + ".host (and " + prefix + ".port, 7001 by default) to the proxy's address, or set "
						+ prefix + ".enabled=false.",
				cause);
	}

}
