package io.prometheusrelay.autoconfigure.rsocket;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where and how the application connects to the Prometheus RSocket proxy. The names of the original
 * starter (micrometer's {@code prometheus-rsocket-spring}) are kept, so its users' configuration works
 * unchanged; the rest is new.
 */
@ConfigurationProperties(PrometheusRSocketClientProperties.PREFIX)
public class PrometheusRSocketClientProperties {

	static final String PREFIX = "management.metrics.export.prometheus.rsocket";

	/** Whether to connect to the proxy. */
	private boolean enabled = true;

	/** Host of the proxy (or of the load balancer in front of several). Required. */
	private @Nullable String host;

	/** Port of the proxy's RSocket server: its TCP port (7001) or, with the websocket transport, its WebSocket port. */
	private int port = 7001;

	/** How to reach the proxy: tcp, or websocket (through HTTP proxies and load balancers). */
	private Transport transport = Transport.TCP;

	/** Path of the proxy's WebSocket endpoint, with the websocket transport. */
	private String websocketPath = "/";

	/** Whether to connect with TLS, trusting the JVM's default CAs (or those of {@code ssl-bundle}). */
	private boolean secure;

	/**
	 * Spring Boot SSL bundle ({@code spring.ssl.bundle.*}) for TLS: its trust store for the proxy's
	 * certificate, its key store for a client certificate (mutual TLS). Implies {@code secure}.
	 */
	private @Nullable String sslBundle;

	/** Attempts to connect before giving up; unlimited by default. */
	private long maxRetries = Long.MAX_VALUE;

	/** Wait before the first reconnection attempt; doubles (with jitter) after each failure. */
	private Duration firstBackoff = Duration.ofSeconds(10);

	/** Longest wait between reconnection attempts. */
	private Duration maxBackoff = Duration.ofMinutes(10);

	/** Longest wait for the proxy to take the last metrics at shutdown (and for a connection still being made). */
	private Duration timeout = Duration.ofSeconds(5);

	/** Shared secret the proxy requires in SETUP, when it requires one. */
	private @Nullable String token;

	/**
	 * Identity labels the proxy gives every series of this application. Unset, they are
	 * {@code application} (spring.application.name, when set) and {@code instance} (host name and pid).
	 */
	private Map<String, String> labels = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getHost() {
		return this.host;
	}

	public void setHost(@Nullable String host) {
		this.host = host;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public Transport getTransport() {
		return this.transport;
	}

	public void setTransport(Transport transport) {
		this.transport = transport;
	}

	public String getWebsocketPath() {
		return this.websocketPath;
	}

	public void setWebsocketPath(String websocketPath) {
		this.websocketPath = websocketPath;
	}

	public boolean isSecure() {
		return this.secure;
	}

	public void setSecure(boolean secure) {
		this.secure = secure;
	}

	public @Nullable String getSslBundle() {
		return this.sslBundle;
	}

	public void setSslBundle(@Nullable String sslBundle) {
		this.sslBundle = sslBundle;
	}

	public long getMaxRetries() {
		return this.maxRetries;
	}

	public void setMaxRetries(long maxRetries) {
		this.maxRetries = maxRetries;
	}

	public Duration getFirstBackoff() {
		return this.firstBackoff;
	}

	public void setFirstBackoff(Duration firstBackoff) {
		this.firstBackoff = firstBackoff;
	}

	public Duration getMaxBackoff() {
		return this.maxBackoff;
	}

	public void setMaxBackoff(Duration maxBackoff) {
		this.maxBackoff = maxBackoff;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public @Nullable String getToken() {
		return this.token;
	}

	public void setToken(@Nullable String token) {
		this.token = token;
	}

	public Map<String, String> getLabels() {
		return this.labels;
	}

	public void setLabels(Map<String, String> labels) {
		this.labels = labels;
	}

	/** How the client reaches the proxy. */
	public enum Transport {

		/** RSocket over TCP, the proxy's port 7001 by default. */
		TCP,

		/** RSocket over WebSocket, the proxy's port 8081 by default. */
		WEBSOCKET

	}

}
