package io.prometheusrelay.receiver.web;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.receiver.decode.DecodedBatch;
import io.prometheusrelay.receiver.decode.RemoteWriteDecoder;
import io.prometheusrelay.receiver.decode.RemoteWriteRejection;
import io.prometheusrelay.receiver.decode.RemoteWriteVersion;
import io.prometheusrelay.receiver.forwarding.ForwarderRelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

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
 * <p>
 * The in-flight budget is charged with what a request actually holds, when it holds it: each chunk
 * of the body as it arrives (not the declared or the largest length up front), then the decoded size
 * the snappy header declares, before decoding allocates it. So senders that dribble their bodies hold
 * the bytes they sent, not the budget, and a tiny body declaring 64 MiB is charged 64 MiB. A body
 * that has not arrived within the body timeout is answered 503.
 */
public final class RemoteWriteHandler {

	private static final Logger logger = LoggerFactory.getLogger(RemoteWriteHandler.class);

	private final RemoteWriteDecoder decoder;

	private final ForwarderRelay relay;

	private final InFlightBudget budget;

	private final ReceiverMetrics metrics;

	private final Duration retryAfter;

	private final Duration bodyTimeout;

	private final Clock clock;

	RemoteWriteHandler(RemoteWriteDecoder decoder, ForwarderRelay relay, InFlightBudget budget, ReceiverMetrics metrics,
			Duration retryAfter, Duration bodyTimeout, Clock clock) {
		this.decoder = decoder;
		this.relay = relay;
		this.budget = budget;
		this.metrics = metrics;
		this.retryAfter = retryAfter;
		this.bodyTimeout = bodyTimeout;
		this.clock = clock;
	}

	ReceiverMetrics metrics() {
		return this.metrics;
	}

	public Mono<ServerResponse> write(ServerRequest request) {
		HttpHeaders headers = request.headers().asHttpHeaders();
		RemoteWriteVersion version;
		try {
			version = this.decoder.checkHeaders(headers.getFirst(HttpHeaders.CONTENT_TYPE),
					headers.getFirst(HttpHeaders.CONTENT_ENCODING));
		}
		catch (RemoteWriteRejection rejection) {
			return reject(rejection);
		}
		Written written = (version == RemoteWriteVersion.V2) ? Written.on(request.exchange().getResponse().getHeaders())
				: Written.NONE;
		long maxBody = this.decoder.limits().maxBodyBytes();
		OptionalLong contentLength = request.headers().contentLength();
		if (contentLength.isPresent() && contentLength.getAsLong() > maxBody) {
			return reject(RemoteWriteRejection.tooLarge("body_too_large",
					"body of " + contentLength.getAsLong() + " bytes exceeds the limit of " + maxBody));
		}
		BodyCharge charge = new BodyCharge();
		return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()).handle(charge::take), Math.toIntExact(maxBody))
			.timeout(this.bodyTimeout)
			.map(RemoteWriteHandler::toBytes)
			.defaultIfEmpty(new byte[0])
			.flatMap(body -> decodeAndRelay(body, version, written))
			.onErrorResume(DataBufferLimitException.class, ex -> reject(
					RemoteWriteRejection.tooLarge("body_too_large", "body exceeds the limit of " + maxBody + " bytes")))
			.onErrorResume(OverBudgetException.class, ex -> unavailable(busy(), "busy"))
			.onErrorResume(TimeoutException.class, ex -> bodyTimedOut())
			.doFinally(signal -> charge.release());
	}

	private Mono<ServerResponse> decodeAndRelay(byte[] body, RemoteWriteVersion version, Written written) {
		long declared;
		try {
			declared = this.decoder.declaredDecodedSize(body);
		}
		catch (RemoteWriteRejection rejection) {
			return reject(rejection);
		}
		// Past the decoded limit, decoding refuses it before allocating anything: nothing to charge.
		long charged = (declared <= this.decoder.limits().maxDecodedBytes()) ? declared : 0;
		if (!this.budget.tryAcquire(charged)) {
			return unavailable(busy(), "busy");
		}
		return Mono.defer(() -> decodeAndRelayCharged(body, version, written))
			.doFinally(signal -> this.budget.release(charged));
	}

	private Mono<ServerResponse> decodeAndRelayCharged(byte[] body, RemoteWriteVersion version, Written written) {
		DecodedBatch batch;
		try {
			batch = this.decoder.decode(body, this.clock.millis(), version);
		}
		catch (RemoteWriteRejection rejection) {
			return reject(rejection);
		}
		if (version == RemoteWriteVersion.V2) {
			// Translated into a copy of its own (bounded by max-decoded-size): charged once its size is known.
			long translated = batch.payload().length;
			if (!this.budget.tryAcquire(translated)) {
				return unavailable(busy(), "busy");
			}
			return relay(body, batch, written).doFinally(signal -> this.budget.release(translated));
		}
		return relay(body, batch, written);
	}

	private Mono<ServerResponse> relay(byte[] body, DecodedBatch batch, Written written) {
		this.metrics.sizes(body.length, batch.payload().length);
		this.metrics.rejected(batch);
		if (batch.series() == 0 && batch.metadata() == 0) {
			if (batch.rejectedSeries() > 0) {
				return respond(HttpStatus.BAD_REQUEST, "no series stored; " + batch.describeRejections(),
						"series_rejected");
			}
			return respond(HttpStatus.NO_CONTENT, null, "empty");
		}
		// The payload is the decoded batch or a copy of part of it: within what is charged.
		return this.relay.relay(batch.payload()).flatMap(outcome -> answer(batch, outcome, written));
	}

	private String busy() {
		return "receiver busy: requests in progress hold " + this.budget.used() + " bytes";
	}

	/** The body bytes one request holds, charged chunk by chunk as they arrive and released at its end. */
	private final class BodyCharge {

		private final AtomicLong held = new AtomicLong();

		void take(DataBuffer chunk, SynchronousSink<DataBuffer> next) {
			int bytes = chunk.readableByteCount();
			if (!RemoteWriteHandler.this.budget.tryAcquire(bytes)) {
				DataBufferUtils.release(chunk);
				next.error(new OverBudgetException());
				return;
			}
			this.held.addAndGet(bytes);
			next.next(chunk);
		}

		void release() {
			RemoteWriteHandler.this.budget.release(this.held.getAndSet(0));
		}

	}

	/** The in-flight budget could not take a body's next chunk: 503. */
	private static final class OverBudgetException extends RuntimeException {

		OverBudgetException() {
			super(null, null, false, false);
		}

	}

	private Mono<ServerResponse> answer(DecodedBatch batch, BatchOutcome outcome, Written written) {
		if (outcome.acked()) {
			this.metrics.stored(batch);
			written.stored(batch);
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

	/**
	 * 503 with Retry-After and no body: the sender stopped sending, and may have closed the
	 * connection by the time the answer is written. A body encoded for a closed connection was seen
	 * not to be released (a leaked buffer per hostile sender), so none is made.
	 */
	private Mono<ServerResponse> bodyTimedOut() {
		logger.debug("Remote-write request answered 503: body not received within {}", this.bodyTimeout);
		this.metrics.request(503, "body_timeout");
		return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, this.retryAfter.toSeconds())))
			.build();
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
