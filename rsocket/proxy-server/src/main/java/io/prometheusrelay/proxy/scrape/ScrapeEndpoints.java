package io.prometheusrelay.proxy.scrape;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

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
import org.springframework.http.HttpStatus;
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

	private final ScrapeLimits limits;

	/** Each scrape copies every application's scrape: how many may run at once is bounded. */
	private final Semaphore inProgress;

	public ScrapeEndpoints(ConnectedScraper scraper, PrometheusMeterRegistry registry, ProxyMetrics metrics,
			ScrapeLimits limits) {
		this.scraper = scraper;
		this.registry = registry;
		this.metrics = metrics;
		this.limits = limits;
		this.inProgress = new Semaphore(limits.maxConcurrentScrapes());
	}

	/**
	 * Every application's scrape, merged; 503 at once when {@code max-concurrent-scrapes} are in
	 * progress, so that a burst of scrapes is refused instead of queued behind one another.
	 */
	public Mono<ServerResponse> connected(ServerRequest request) {
		if (!this.inProgress.tryAcquire()) {
			this.metrics.scrapeRefused("concurrency");
			return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
				.header(HttpHeaders.RETRY_AFTER, "1")
				.contentType(MediaType.TEXT_PLAIN)
				.bodyValue(this.limits.maxConcurrentScrapes() + " scrapes of /metrics/connected are in progress\n");
		}
		AtomicBoolean held = new AtomicBoolean(true);
		Runnable release = () -> {
			if (held.compareAndSet(true, false)) {
				this.inProgress.release();
			}
		};
		boolean gzip = request.headers().firstHeader(HttpHeaders.ACCEPT_ENCODING) != null
				&& request.headers().firstHeader(HttpHeaders.ACCEPT_ENCODING).contains("gzip");
		return this.scraper.scrape(perClientTimeout(request)).flatMap(merged -> {
			ServerResponse.BodyBuilder response = ServerResponse.ok().contentType(TEXT_FORMAT);
			if (gzip) {
				response.header(HttpHeaders.CONTENT_ENCODING, "gzip");
			}
			// Held until the body is written: that is when the applications' buffers go back.
			return response.body(BodyInserters.fromDataBuffers(
					body(merged, gzip, request.exchange().getResponse().bufferFactory()).doFinally(signal -> release.run())));
		}).doOnCancel(release).doOnError(error -> release.run());
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

	/**
	 * Prometheus's scrape timeout minus a margin for merging and sending, so the whole scrape fits in
	 * it; never longer than {@code max-scrape-timeout}, whatever the header asks.
	 */
	Duration perClientTimeout(ServerRequest request) {
		String header = request.headers().firstHeader("X-Prometheus-Scrape-Timeout-Seconds");
		Duration timeout = this.limits.defaultTimeout();
		if (header != null) {
			try {
				double seconds = Double.parseDouble(header);
				// NaN and what is not positive keep the default; a huge value saturates, and is capped below.
				if (seconds > 0) {
					timeout = Duration.ofMillis((long) (seconds * 1000)).minus(this.limits.timeoutMargin());
				}
			}
			catch (NumberFormatException ex) {
				// an unreadable header: keep the default
			}
		}
		if (timeout.compareTo(this.limits.maxTimeout()) > 0) {
			timeout = this.limits.maxTimeout();
		}
		return timeout.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : timeout;
	}

}
