package io.prometheusrelay.proxy.scrape;

import java.time.Duration;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.proxy.exposition.MergedExposition;
import io.prometheusrelay.proxy.rsocket.ProxyMetrics;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/** {@code GET /metrics/connected} (every application, merged) and {@code GET /metrics/proxy} (the proxy's own). */
public final class ScrapeEndpoints {

	static final MediaType TEXT_FORMAT = MediaType.parseMediaType("text/plain; version=0.0.4; charset=utf-8");

	private final ConnectedScraper scraper;

	private final PrometheusMeterRegistry registry;

	private final ProxyMetrics metrics;

	private final Duration defaultTimeout;

	private final Duration timeoutMargin;

	public ScrapeEndpoints(ConnectedScraper scraper, PrometheusMeterRegistry registry, ProxyMetrics metrics,
			Duration defaultTimeout, Duration timeoutMargin) {
		this.scraper = scraper;
		this.registry = registry;
		this.metrics = metrics;
		this.defaultTimeout = defaultTimeout;
		this.timeoutMargin = timeoutMargin;
	}

	public Mono<ServerResponse> connected(ServerRequest request) {
		boolean gzip = request.headers().firstHeader(HttpHeaders.ACCEPT_ENCODING) != null
				&& request.headers().firstHeader(HttpHeaders.ACCEPT_ENCODING).contains("gzip");
		return this.scraper.scrape(perClientTimeout(request)).flatMap(merged -> {
			ServerResponse.BodyBuilder response = ServerResponse.ok().contentType(TEXT_FORMAT);
			if (gzip) {
				response.header(HttpHeaders.CONTENT_ENCODING, "gzip");
			}
			return response.body(BodyInserters.fromDataBuffers(
					body(merged, gzip, request.exchange().getResponse().bufferFactory())));
		});
	}

	/**
	 * Written chunk by chunk as the connection takes it, off the HTTP event loop, into the server's own
	 * (pooled) buffers; the applications' text buffers go back to their connections at the end.
	 */
	private Flux<DataBuffer> body(MergedExposition merged, boolean gzip, DataBufferFactory buffers) {
		return Flux.<DataBuffer, ExpositionChunks>generate(
				() -> new ExpositionChunks(merged, gzip, this.metrics.mergeTime()), (chunks, sink) -> {
					DataBuffer chunk = chunks.next(buffers);
					if (chunk == null) {
						sink.complete();
					}
					else {
						sink.next(chunk);
					}
					return chunks;
				})
			.doOnDiscard(DataBuffer.class, DataBufferUtils::release)
			.doFinally(signal -> merged.release())
			.subscribeOn(Schedulers.parallel());
	}

	public Mono<ServerResponse> proxy(ServerRequest request) {
		return ServerResponse.ok().contentType(TEXT_FORMAT).bodyValue(this.registry.scrape());
	}

	/** Prometheus's scrape timeout minus a margin for merging and sending, so the whole scrape fits in it. */
	Duration perClientTimeout(ServerRequest request) {
		String header = request.headers().firstHeader("X-Prometheus-Scrape-Timeout-Seconds");
		Duration timeout = this.defaultTimeout;
		if (header != null) {
			try {
				timeout = Duration.ofMillis((long) (Double.parseDouble(header) * 1000)).minus(this.timeoutMargin);
			}
			catch (NumberFormatException ex) {
				// an unreadable header: keep the default
			}
		}
		return timeout.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : timeout;
	}

}
