package io.prometheusrelay.apiserver;

import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.apiserver.catchup.CatchUpHealthIndicator;
import io.prometheusrelay.apiserver.catchup.PeerCatchUp;
import io.prometheusrelay.apiserver.catchup.ReplicaIdentity;
import io.prometheusrelay.apiserver.catchup.ReplicaService;
import io.prometheusrelay.apiserver.grpc.GrpcAuthentication;
import io.prometheusrelay.apiserver.grpc.GrpcEndpoint;
import io.prometheusrelay.apiserver.grpc.GrpcReadServer;
import io.prometheusrelay.apiserver.grpc.GrpcTls;
import io.prometheusrelay.apiserver.grpc.PrometheusGrpcService;
import io.prometheusrelay.apiserver.intake.StoreBatchHandler;
import io.prometheusrelay.apiserver.store.StoreMetrics;
import io.prometheusrelay.pipeline.auth.Credentials;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The store (the storage engine, {@link Tsdb}), the handler that feeds it relayed batches, the gRPC read API with the service peers
 * catch up from, and this replica's own catch-up. The relay server (relay.api-server.relay) is the
 * pipeline's auto-configuration's, from {@link ApiServerProperties}; it depends on the handler, so
 * it drains before the store closes.
 */
@Configuration(proxyBeanMethods = false)
class ApiServerConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ApiServerConfiguration.class);

	/** Peers' reads of this store at once, and waiting: a peer asks one thing at a time. */
	private static final int REPLICA_READ_THREADS = 2;

	private static final int REPLICA_READS_QUEUED = 16;

	/** The store {@link StoreOpening} opened while the context started, or, without it, opened now. */
	@Bean(destroyMethod = "close")
	Tsdb tsdb(ApiServerProperties properties, ObjectProvider<StoreOpening> opening) throws IOException {
		TsdbOptions options = properties.getStore().toOptions();
		StoreOpening ahead = opening.getIfAvailable();
		Tsdb tsdb = (ahead != null) ? ahead.take(options) : null;
		return (tsdb != null) ? tsdb : Tsdb.open(options, Clock.systemUTC());
	}

	@Bean
	StoreMetrics storeMetrics(Tsdb tsdb) {
		return new StoreMetrics(tsdb);
	}

	@Bean
	StoreHealthIndicator storeHealthIndicator(Tsdb tsdb) {
		return new StoreHealthIndicator(tsdb);
	}

	@Bean
	ReplicaIdentity replicaIdentity() {
		return ReplicaIdentity.random();
	}

	/**
	 * The executor is the service's own, not a bean: an {@code Executor} bean would make Spring Boot
	 * back off its application task executor.
	 */
	@Bean(destroyMethod = "close")
	ReplicaService replicaService(Tsdb tsdb, ReplicaIdentity identity, MeterRegistry registry) {
		ThreadPoolExecutor reads = new ThreadPoolExecutor(REPLICA_READ_THREADS, REPLICA_READ_THREADS, 0,
				TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(REPLICA_READS_QUEUED), runnable -> {
					Thread thread = new Thread(runnable, "replica-read");
					thread.setDaemon(true);
					return thread;
				});
		return new ReplicaService(tsdb, identity, reads, registry);
	}

	@Bean(destroyMethod = "close")
	GrpcReadServer grpcReadServer(ApiServerProperties properties, Tsdb tsdb, ReplicaService replicaService,
			MeterRegistry registry, SslBundles bundles) throws InterruptedException {
		ApiServerProperties.Grpc grpc = properties.getGrpc();
		PrometheusGrpcService service = new PrometheusGrpcService(tsdb, grpc.toLimits(), registry);
		service.warmUp();
		return GrpcReadServer.start(endpoint(grpc, bundles, registry), service, grpc.getPermitKeepAliveTime(),
				grpc.getShutdownGracePeriod(), replicaService);
	}

	private static GrpcEndpoint endpoint(ApiServerProperties.Grpc grpc, SslBundles bundles, MeterRegistry registry) {
		Credentials credentials = Credentials.from(grpc.getAuth(), "relay.api-server.grpc.auth");
		GrpcAuthentication authentication = null;
		if (credentials.required()) {
			authentication = new GrpcAuthentication(credentials);
			authentication.bindTo(registry);
		}
		else {
			logger.warn("No gRPC credentials are configured (relay.api-server.grpc.auth.bearer): anyone who can "
					+ "reach port {} may read", grpc.getPort());
		}
		return new GrpcEndpoint(grpc.getHost(), grpc.getPort(), GrpcTls.server(grpc.getSsl(), bundles), authentication);
	}

	@Bean
	StoreBatchHandler storeBatchHandler(Tsdb tsdb) {
		return new StoreBatchHandler(tsdb);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "relay.api-server.catch-up.enabled", matchIfMissing = true)
	static class CatchUpConfiguration {

		@Bean(destroyMethod = "close")
		PeerCatchUp peerCatchUp(Tsdb tsdb, DiscoveryClient discovery, ReplicaIdentity identity,
				ApiServerProperties properties, MeterRegistry registry, SslBundles bundles) {
			return new PeerCatchUp(tsdb, discovery, identity, properties.getCatchUp().toOptions(bundles),
					Clock.systemUTC(), registry);
		}

		@Bean
		CatchUpHealthIndicator catchUpHealthIndicator(PeerCatchUp catchUp) {
			return new CatchUpHealthIndicator(catchUp);
		}

	}

}
