package io.prometheusrelay.apiserver.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The api-server's gRPC endpoint: {@code PrometheusService}, the {@code Replica} service peers catch
 * up from, the standard health service and server reflection.
 * <p>
 * Calls run on the transport's own threads ({@code directExecutor}): every handler here is short
 * and non-blocking (the index is in memory, sending stops when the call is not ready), and skipping
 * the hop to an executor per callback is what makes streaming fast (the issue measured 25× between
 * the two). What may block runs elsewhere: RANGE reads segment files on its own reader threads, and
 * FOLLOW is woken from the store by a small executor, never on the store's writer thread.
 */
public final class GrpcReadServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GrpcReadServer.class);

	private final Server server;

	private final HealthStatusManager health = new HealthStatusManager();

	private final Duration shutdownGrace;

	private final PrometheusGrpcService service;

	private GrpcReadServer(GrpcEndpoint endpoint, PrometheusGrpcService service, Duration keepAliveMin,
			Duration shutdownGrace, BindableService... otherServices) throws IOException {
		this.shutdownGrace = shutdownGrace;
		this.service = service;
		NettyServerBuilder builder = NettyServerBuilder
			.forAddress(new InetSocketAddress(endpoint.host(), endpoint.port()), endpoint.credentials());
		for (BindableService other : otherServices) {
			builder.addService(checked(other.bindService(), endpoint));
		}
		// Health checks stay open: load balancers and probes ask them without credentials.
		this.server = builder.directExecutor()
			.addService(checked(service.bindService(), endpoint))
			.addService(this.health.getHealthService())
			.addService(checked(ProtoReflectionServiceV1.newInstance().bindService(), endpoint))
			// Clients and load balancers that ping to keep FOLLOW streams alive must not be cut off.
			.permitKeepAliveTime(keepAliveMin.toMillis(), TimeUnit.MILLISECONDS)
			.permitKeepAliveWithoutCalls(true)
			.build()
			.start();
		this.health.setStatus("", ServingStatus.SERVING);
		this.health.setStatus(PrometheusServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
		for (BindableService other : otherServices) {
			this.health.setStatus(other.bindService().getServiceDescriptor().getName(), ServingStatus.SERVING);
		}
		logger.info("gRPC read API listening on {}:{} ({}, {})", endpoint.host(), this.server.getPort(),
				(endpoint.credentials() instanceof InsecureServerCredentials) ? "plain" : "TLS",
				(endpoint.authentication() != null) ? "credentials required" : "no credentials required");
	}

	private static ServerServiceDefinition checked(ServerServiceDefinition service, GrpcEndpoint endpoint) {
		ServerInterceptor authentication = endpoint.authentication();
		return (authentication != null) ? ServerInterceptors.intercept(service, authentication) : service;
	}

	/**
	 * Starts serving {@code service}, and {@code otherServices} beside it (the {@code Replica}
	 * service), on {@code host:port}.
	 */
	public static GrpcReadServer start(GrpcEndpoint endpoint, PrometheusGrpcService service, Duration keepAliveMin,
			Duration shutdownGrace, BindableService... otherServices) {
		try {
			return new GrpcReadServer(endpoint, service, keepAliveMin, shutdownGrace, otherServices);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Cannot start the gRPC read API on " + endpoint.host() + ":" + endpoint.port(), ex);
		}
	}

	/** Plain, and open to every call. */
	public static GrpcReadServer start(String host, int port, PrometheusGrpcService service, Duration keepAliveMin,
			Duration shutdownGrace, BindableService... otherServices) {
		return start(GrpcEndpoint.plain(host, port), service, keepAliveMin, shutdownGrace, otherServices);
	}

	public int port() {
		return this.server.getPort();
	}

	/** Reports NOT_SERVING, lets calls in progress finish within the grace period, then cancels the rest. */
	@Override
	public void close() {
		this.health.enterTerminalState();
		this.server.shutdown();
		try {
			if (!this.server.awaitTermination(this.shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
				this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.server.shutdownNow();
		}
		finally {
			this.service.close();
		}
	}

}
