package io.prometheusrelay.pipeline.settings;

import java.time.Duration;

import io.prometheusrelay.pipeline.tls.ServerTlsProperties;
import io.prometheusrelay.transport.RelayServerOptions;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.unit.DataSize;

/** How a service's relay server listens; bound under each service's own prefix. */
public class RelayServerProperties {

	/** Address the relay server binds. */
	private String host = "0.0.0.0";

	/** Port the relay server binds; 0 picks a free one. */
	private int port;

	/**
	 * Largest relay frame accepted, header and trailer included; larger batches are NACKed as never
	 * retryable. The default carries the receiver's largest decoded request (64MB) and its 18 bytes of
	 * framing; raise it with the receiver's {@code limits.max-decoded-size}.
	 */
	private DataSize maxFrameSize = PipelineLimits.MAX_FRAME;

	/** Batches of one connection handled at once; past it the server stops reading that connection. */
	private int maxInFlightPerConnection = 256;

	/** A connection that sends nothing, not even a heartbeat, for this long is closed. */
	private Duration idleTimeout = Duration.ofSeconds(60);

	/**
	 * On shutdown, how long batches in progress may take to be answered before the connections are
	 * closed; batches arriving meanwhile are NACKed as retryable.
	 */
	private Duration drainTimeout = Duration.ofSeconds(15);

	/** TLS on the relay port; with client-auth need, only peers with a certificate from the bundle's CA connect. */
	@NestedConfigurationProperty
	private final ServerTlsProperties ssl = new ServerTlsProperties();

	/**
	 * Listening on {@code defaultPort} unless configured otherwise. A factory, not a constructor: a
	 * JavaBean's properties are what the configuration processor lists in the metadata.
	 */
	public static RelayServerProperties listeningOn(int defaultPort) {
		RelayServerProperties properties = new RelayServerProperties();
		properties.setPort(defaultPort);
		return properties;
	}

	public RelayServerOptions toOptions(String name, SslBundles bundles) {
		return new RelayServerOptions(name, this.host, this.port, Math.toIntExact(this.maxFrameSize.toBytes()),
				this.maxInFlightPerConnection, this.idleTimeout, this.drainTimeout,
				this.ssl.serverContext(bundles, "relay server '" + name + "'"));
	}

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public int getMaxInFlightPerConnection() {
		return this.maxInFlightPerConnection;
	}

	public void setMaxInFlightPerConnection(int maxInFlightPerConnection) {
		this.maxInFlightPerConnection = maxInFlightPerConnection;
	}

	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	public void setDrainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	public ServerTlsProperties getSsl() {
		return this.ssl;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

}
