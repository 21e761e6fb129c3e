package io.prometheusrelay.apiserver;

import java.io.IOException;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.apiserver.grpc.GrpcReadServer;
import io.prometheusrelay.apiserver.grpc.PrometheusGrpcService;
import io.prometheusrelay.apiserver.relay.StoreBatchHandler;
import io.prometheusrelay.apiserver.store.SegmentStore;
import io.prometheusrelay.apiserver.store.StoreHealthIndicator;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The store, the handler that feeds it relayed batches, and the gRPC read API. The relay server
 * (relay.api-server.relay) is the pipeline's auto-configuration's, from {@link ApiServerProperties};
 * it depends on the handler, so it drains before the store closes.
 */
@Configuration(proxyBeanMethods = false)
class ApiServerConfiguration {

	@Bean(destroyMethod = "close")
	SegmentStore segmentStore(ApiServerProperties properties, MeterRegistry registry) throws IOException {
		return SegmentStore.open(properties.getStore().toOptions(), Clock.systemUTC(), registry);
	}

	@Bean
	StoreHealthIndicator storeHealthIndicator(SegmentStore store) {
		return new StoreHealthIndicator(store);
	}

	@Bean(destroyMethod = "close")
	GrpcReadServer grpcReadServer(ApiServerProperties properties, SegmentStore store, MeterRegistry registry) {
		ApiServerProperties.Grpc grpc = properties.getGrpc();
		PrometheusGrpcService service = new PrometheusGrpcService(store, grpc.toLimits(), registry);
		return GrpcReadServer.start(grpc.getHost(), grpc.getPort(), service, grpc.getPermitKeepAliveTime(),
				grpc.getShutdownGracePeriod());
	}

	@Bean
	StoreBatchHandler storeBatchHandler(SegmentStore store) {
		return new StoreBatchHandler(store);
	}

}
