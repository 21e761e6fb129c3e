package io.prometheusrelay.pipeline.settings;

import java.time.Duration;

import io.prometheusrelay.pipeline.tls.ClientTlsProperties;
import io.prometheusrelay.transport.RelayClientOptions;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.unit.DataSize;

/** How a service's relay clients talk to the next hop; bound under each service's own prefix. */
public class RelayClientProperties {

	/** Largest frame accepted from the next hop (its answers are small). */
	private DataSize maxFrameSize = DataSize.ofMegabytes(1);

	/** Batches in flight to one peer at once; past it, a batch is refused as busy. */
	private int window = 256;

	/** How long a batch may wait for its ACK or NACK before the peer is considered broken. */
	private Duration ackTimeout = Duration.ofSeconds(10);

	/** How long one connection attempt may take. */
	private Duration connectTimeout = Duration.ofSeconds(2);

	/** An idle connection sends a heartbeat this often; three silent intervals close it. */
	private Duration heartbeatInterval = Duration.ofSeconds(5);

	/** First delay before reconnecting to a peer. */
	private Duration minBackoff = Duration.ofMillis(100);

	/** Longest delay between reconnection attempts. */
	private Duration maxBackoff = Duration.ofSeconds(10);

	/** TLS to the next hop: the bundle's CA must have signed its certificate, which must name the host dialled. */
	@NestedConfigurationProperty
	private final ClientTlsProperties ssl = new ClientTlsProperties();

	/** The options of the relay clients to {@code peers}, named in errors. */
	public RelayClientOptions toOptions(SslBundles bundles, String peers) {
		return new RelayClientOptions(Math.toIntExact(this.maxFrameSize.toBytes()), this.window, this.ackTimeout,
				this.connectTimeout, this.heartbeatInterval, this.minBackoff, this.maxBackoff,
				this.ssl.clientContext(bundles, "relay clients to " + peers));
	}

	public ClientTlsProperties getSsl() {
		return this.ssl;
	}

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public int getWindow() {
		return this.window;
	}

	public void setWindow(int window) {
		this.window = window;
	}

	public Duration getAckTimeout() {
		return this.ackTimeout;
	}

	public void setAckTimeout(Duration ackTimeout) {
		this.ackTimeout = ackTimeout;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Duration getMinBackoff() {
		return this.minBackoff;
	}

	public void setMinBackoff(Duration minBackoff) {
		this.minBackoff = minBackoff;
	}

	public Duration getMaxBackoff() {
		return this.maxBackoff;
	}

	public void setMaxBackoff(Duration maxBackoff) {
		this.maxBackoff = maxBackoff;
	}

}
