package io.prometheusrelay.proxy.scrape;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.proxy.exposition.MergedExposition;
import io.prometheusrelay.proxy.rsocket.ProxyMetrics;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
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
		return this.scraper.scrape(perClientTimeout(request))
			.publishOn(Schedulers.parallel())
			.map(merged -> this.metrics.mergeTime().record(() -> write(merged, gzip)))
			.flatMap(body -> {
				ServerResponse.BodyBuilder response = ServerResponse.ok().contentType(TEXT_FORMAT);
				if (gzip) {
					response.header(HttpHeaders.CONTENT_ENCODING, "gzip");
				}
				return response.bodyValue(body);
			});
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

	private static byte[] write(MergedExposition merged, boolean gzip) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
		try (OutputStream out = gzip ? new GZIPOutputStream(bytes, 64 * 1024) : bytes;
				Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
			merged.writeTo(writer);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

}
