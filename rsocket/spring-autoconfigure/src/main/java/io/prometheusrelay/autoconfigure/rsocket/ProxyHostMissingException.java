package io.prometheusrelay.autoconfigure.rsocket;

/** The starter is enabled but does not know where the proxy is. */
public class ProxyHostMissingException extends IllegalStateException {

	ProxyHostMissingException() {
		super(PrometheusRSocketClientProperties.PREFIX + ".host is not set");
	}

}
