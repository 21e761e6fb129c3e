package io.prometheusrelay.receiver.web;

import io.prometheusrelay.pipeline.auth.Credentials;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Checks a write's credentials before anything of its body is read or charged: 401 with a
 * {@code WWW-Authenticate} challenge when none of an accepted scheme were sent, 403 when they were
 * not accepted. Prometheus does not retry either, which is right: only a change of configuration
 * makes such a write succeed.
 */
final class RemoteWriteAuthentication implements HandlerFilterFunction<ServerResponse, ServerResponse> {

	private static final String REALM = " realm=\"remote-write\"";

	private final Credentials credentials;

	private final ReceiverMetrics metrics;

	private final String challenge;

	RemoteWriteAuthentication(Credentials credentials, ReceiverMetrics metrics) {
		this.credentials = credentials;
		this.metrics = metrics;
		this.challenge = String.join(", ", credentials.schemes().stream().map(scheme -> scheme + REALM).toList());
	}

	@Override
	public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
		return switch (this.credentials.check(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))) {
			case ACCEPTED -> next.handle(request);
			case MISSING -> {
				this.metrics.request(401, "unauthenticated");
				yield ServerResponse.status(HttpStatus.UNAUTHORIZED)
					.header(HttpHeaders.WWW_AUTHENTICATE, this.challenge)
					.contentType(MediaType.TEXT_PLAIN)
					.bodyValue("credentials required (" + String.join(" or ", this.credentials.schemes()) + ")\n");
			}
			case WRONG -> {
				this.metrics.request(403, "forbidden");
				yield ServerResponse.status(HttpStatus.FORBIDDEN)
					.contentType(MediaType.TEXT_PLAIN)
					.bodyValue("credentials not accepted\n");
			}
		};
	}

}
