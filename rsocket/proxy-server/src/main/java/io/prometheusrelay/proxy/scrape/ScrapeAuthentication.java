package io.prometheusrelay.proxy.scrape;

import io.prometheusrelay.proxy.auth.Tokens;
import io.prometheusrelay.proxy.rsocket.ProxyMetrics;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * With scrape tokens configured, the scrape endpoints answer only a request carrying one as a
 * bearer token, as Prometheus's {@code scrape_config} sends it with {@code authorization}: 401 with
 * a challenge without one, 403 with a wrong one, both counted. {@code /metrics/connected} serves
 * every application's series and hands out each departed one's last push once, so only Prometheus
 * should get it.
 */
public final class ScrapeAuthentication implements HandlerFilterFunction<ServerResponse, ServerResponse> {

	private static final String BEARER = "bearer ";

	private final Tokens tokens;

	private final ProxyMetrics metrics;

	public ScrapeAuthentication(Tokens tokens, ProxyMetrics metrics) {
		this.tokens = tokens;
		this.metrics = metrics;
	}

	@Override
	public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
		if (this.tokens.isEmpty()) {
			return next.handle(request);
		}
		String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			this.metrics.scrapeRefused("unauthenticated");
			return ServerResponse.status(HttpStatus.UNAUTHORIZED)
				.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")
				.contentType(MediaType.TEXT_PLAIN)
				.bodyValue("a bearer token is required\n");
		}
		if (!this.tokens.accepts(authorization.substring(BEARER.length()).strip())) {
			this.metrics.scrapeRefused("forbidden");
			return ServerResponse.status(HttpStatus.FORBIDDEN)
				.contentType(MediaType.TEXT_PLAIN)
				.bodyValue("token not accepted\n");
		}
		return next.handle(request);
	}

}
