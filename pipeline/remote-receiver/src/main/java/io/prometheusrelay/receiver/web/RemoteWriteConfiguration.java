package io.prometheusrelay.receiver.web;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.pipeline.auth.Credentials;
import io.prometheusrelay.receiver.ReceiverProperties;
import io.prometheusrelay.receiver.decode.RemoteWriteDecoder;
import io.prometheusrelay.receiver.forwarding.ForwarderRelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** {@code POST /api/v1/write}, and {@code POST /} for the original design's clients. */
@Configuration(proxyBeanMethods = false)
public class RemoteWriteConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RemoteWriteConfiguration.class);

	@Bean
	RemoteWriteHandler remoteWriteHandler(ReceiverProperties properties, ForwarderRelay relay, MeterRegistry registry) {
		InFlightBudget budget = new InFlightBudget(properties.getLimits().getMaxInFlightSize().toBytes());
		ReceiverMetrics metrics = new ReceiverMetrics(budget);
		metrics.bindTo(registry);
		return new RemoteWriteHandler(new RemoteWriteDecoder(properties.getLimits().toLimits()), relay, budget, metrics,
				properties.getRetryAfter(), properties.getBodyTimeout(), Clock.systemUTC());
	}

	@Bean
	RouterFunction<ServerResponse> remoteWriteRoutes(RemoteWriteHandler handler, ReceiverProperties properties) {
		RemoteWriteAuthentication authentication = new RemoteWriteAuthentication(credentials(properties),
				handler.metrics());
		return RouterFunctions.route()
			.POST("/api/v1/write", handler::write)
			.POST("/", handler::write)
			.filter(authentication)
			.route(RequestPredicates.path("/api/v1/write").or(RequestPredicates.path("/")), handler::methodNotAllowed)
			.build();
	}

	private static Credentials credentials(ReceiverProperties properties) {
		Credentials credentials = Credentials.from(properties.getAuth(), "relay.receiver.auth");
		if (credentials.required()) {
			logger.info("Remote-write requires credentials: {} basic, {} bearer", credentials.basicCount(),
					credentials.bearerCount());
		}
		else {
			logger.warn("No remote-write credentials are configured (relay.receiver.auth.basic, "
					+ "relay.receiver.auth.bearer): anyone who can reach this port may write");
		}
		return credentials;
	}

}
