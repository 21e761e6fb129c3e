package io.prometheusrelay.apiserver;

import java.io.IOException;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.apiserver.grpc.GrpcReadServer;
import io.prometheusrelay.apiserver.grpc.PrometheusGrpcService;
import io.prometheusrelay.apiserver.relay.StoreBatchHandler;
import io.prometheusrelay.apiserver.store.SegmentStore;
import io.prometheusrelay.apiserver.store.StoreHealthIndicator;
import io.prometheusrelay.protocol.transport.RelayServer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The store, and the relay server that feeds it. */
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

	@Bean(destroyMethod = "close")
	RelayServer relayServer(ApiServerProperties properties, SegmentStore store, MeterRegistry registry) {
		return RelayServer.start(properties.getRelay().toOptions("api-server"), new StoreBatchHandler(store), registry);
	}

}
