package io.prometheusrelay.pipeline.settings;

/**
 * The pipeline's default ports, in one place: each service's properties take their defaults from
 * here, and so do the defaults by which one service finds the next on this machine (static
 * discovery), so that the two never drift apart.
 */
public final class PipelinePorts {

	/** remote-receiver: remote-write endpoint and actuator. */
	public static final int RECEIVER_HTTP = 9201;

	/** forwarder: relay server the receivers connect to. */
	public static final int FORWARDER_RELAY = 9999;

	/** forwarder: actuator. */
	public static final int FORWARDER_HTTP = 9998;

	/** api-server: relay server the forwarder connects to. */
	public static final int API_SERVER_RELAY = 8070;

	/** api-server: gRPC read API, the port HAProxy balances over. */
	public static final int API_SERVER_GRPC = 8090;

	/** api-server: actuator. */
	public static final int API_SERVER_HTTP = 8071;

	private PipelinePorts() {
	}

	/** The static-discovery address of a service listening on {@code port} on this machine. */
	public static String onThisMachine(int port) {
		return "http://127.0.0.1:" + port;
	}

}
