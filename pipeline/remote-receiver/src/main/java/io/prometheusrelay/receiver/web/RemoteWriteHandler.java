package io.prometheusrelay.receiver.web;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;

import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.receiver.decode.DecodedBatch;
import io.prometheusrelay.receiver.decode.RemoteWriteDecoder;
import io.prometheusrelay.receiver.decode.RemoteWriteRejection;
import io.prometheusrelay.receiver.forwarding.ForwarderRelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The remote-write endpoint. Answers as the spec asks, because Prometheus acts on the status:
 * 204 once the forwarder acknowledged the batch; 400 (with the reason) for what can never succeed,
 * including a request whose valid series were stored but some series were rejected; 413 and 415 for
 * what is over a limit or not spoken here; 503 with Retry-After when downstream cannot take the
 * batch now, so that Prometheus retries and nothing is lost.
 */
public final class RemoteWriteHandler {

	private static final Logger logger = LoggerFactory.getLogger(RemoteWriteHandler.class);

	private final RemoteWriteDecoder decoder;

	private final ForwarderRelay relay;

	private final InFlightBudget budget;

	private final ReceiverMetrics metrics;

	private final Duration retryAfter;

	private final Clock clock;

	RemoteWriteHandler(RemoteWriteDecoder decoder, ForwarderRelay relay, InFlightBudget budget, ReceiverMetrics metrics,
			Duration retryAfter, Clock clock) {
		this.decoder = decoder;
		this.relay = relay;
		this.budget = budget;
		this.metrics = metrics;
		this.retryAfter = retryAfter;
		this.clock = clock;
	}

	public Mono<ServerResponse> write(ServerRequest request) {
		HttpHeaders headers = request.headers().asHttpHeaders();
		try {
			this.decoder.checkHeaders(headers.getFirst(HttpHeaders.CONTENT_TYPE),
					headers.getFirst(HttpHeaders.CONTENT_ENCODING));
		}
		catch (RemoteWriteRejection rejection) {
			return reject(rejection);
		}
		long maxBody = this.decoder.limits().maxBodyBytes();
		OptionalLong contentLength = request.headers().contentLength();
		if (contentLength.isPresent() && contentLength.getAsLong() > maxBody) {
			return reject(RemoteWriteRejection.tooLarge("body_too_large",
					"body of " + contentLength.getAsLong() + " bytes exceeds the limit of " + maxBody));
		}
		long bodyReservation = contentLength.orElse(maxBody);
		if (!this.budget.tryAcquire(bodyReservation)) {
			return unavailable("receiver busy: requests in progress hold " + this.budget.used() + " bytes", "busy");
		}
		return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), Math.toIntExact(maxBody))
			.map(RemoteWriteHandler::toBytes)
			.defaultIfEmpty(new byte[0])
			.flatMap(this::decodeAndRelay)
			.onErrorResume(DataBufferLimitException.class, ex -> reject(
					RemoteWriteRejection.tooLarge("body_too_large", "body exceeds the limit of " + maxBody + " bytes")))
			.doFinally(signal -> this.budget.release(bodyReservation));
	}

	private Mono<ServerResponse> decodeAndRelay(byte[] body) {
		DecodedBatch batch;
		try {
			batch = this.decoder.decode(body, this.clock.millis());
		}
		catch (RemoteWriteRejection rejection) {
			return reject(rejection);
		}
		this.metrics.sizes(body.length, batch.payload().length);
		this.metrics.rejected(batch);
		if (batch.series() == 0) {
			if (batch.rejectedSeries() > 0) {
				return respond(HttpStatus.BAD_REQUEST, "no series stored; " + batch.describeRejections(),
						"series_rejected");
			}
			return respond(HttpStatus.NO_CONTENT, null, "empty");
		}
		long decodedReservation = batch.payload().length;
		if (!this.budget.tryAcquire(decodedReservation)) {
			return unavailable("receiver busy: requests in progress hold " + this.budget.used() + " bytes", "busy");
		}
		return this.relay.relay(batch.payload())
			.flatMap(outcome -> answer(batch, outcome))
			.doFinally(signal -> this.budget.release(decodedReservation));
	}

	private Mono<ServerResponse> answer(DecodedBatch batch, BatchOutcome outcome) {
		if (outcome.acked()) {
			this.metrics.stored(batch);
			if (batch.rejectedSeries() > 0) {
				return respond(HttpStatus.BAD_REQUEST,
						"stored " + batch.series() + " series; " + batch.describeRejections(), "series_rejected");
			}
			return respond(HttpStatus.NO_CONTENT, null, "stored");
		}
		if (outcome.retryable()) {
			return unavailable("not acknowledged downstream: " + outcome.reason(), "downstream_unavailable");
		}
		return respond(HttpStatus.BAD_REQUEST, "refused downstream: " + outcome.reason(), "downstream_refused");
	}

	/** 405 for any method but POST on the write paths. */
	public Mono<ServerResponse> methodNotAllowed(ServerRequest request) {
		this.metrics.request(405, "method_not_allowed");
		return ServerResponse.status(HttpStatus.METHOD_NOT_ALLOWED)
			.header(HttpHeaders.ALLOW, "POST")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(request.method() + " not allowed; remote-write uses POST\n");
	}

	private Mono<ServerResponse> reject(RemoteWriteRejection rejection) {
		logger.debug("Remote-write request rejected ({}): {}", rejection.status(), rejection.getMessage());
		return respond(HttpStatus.valueOf(rejection.status()), rejection.getMessage(), rejection.reasonTag());
	}

	private Mono<ServerResponse> unavailable(String message, String reason) {
		logger.debug("Remote-write request answered 503: {}", message);
		this.metrics.request(503, reason);
		return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, this.retryAfter.toSeconds())))
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue(message + "\n");
	}

	private Mono<ServerResponse> respond(HttpStatus status, String message, String reason) {
		this.metrics.request(status.value(), reason);
		if (message == null) {
			return ServerResponse.status(status).build();
		}
		return ServerResponse.status(status).contentType(MediaType.TEXT_PLAIN).bodyValue(message + "\n");
	}

	private static byte[] toBytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

}
