package io.prometheusrelay.proxy.scrape;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Timer;
import io.prometheusrelay.proxy.exposition.ClientScrape;
import io.prometheusrelay.proxy.exposition.ExpositionParser;
import io.prometheusrelay.proxy.exposition.MergedExposition;
import io.prometheusrelay.proxy.exposition.ScrapeBuffers;
import io.prometheusrelay.proxy.rsocket.ClientConnection;
import io.prometheusrelay.proxy.rsocket.ConnectionRegistry;
import io.prometheusrelay.proxy.rsocket.ProxyAcceptor;
import io.prometheusrelay.proxy.rsocket.ProxyMetrics;
import io.prometheusrelay.rsocket.wire.ScrapeRejectedException;
import io.prometheusrelay.rsocket.wire.ScrapeText;
import io.rsocket.Payload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One scrape of {@code /metrics/connected}: pulls every connected application's scrape at once,
 * each within the per-client timeout, and merges what arrived. A slow or broken application is
 * left out of this scrape and counted; it never fails or delays the others past the timeout. A
 * departed application's dying push is served by exactly one scrape.
 */
public final class ConnectedScraper {

	private static final Logger logger = LoggerFactory.getLogger(ConnectedScraper.class);

	private final ConnectionRegistry connections;

	private final ProxyAcceptor acceptor;

	private final ProxyMetrics metrics;

	private final int maxSeriesPerClient;

	private final boolean honorApplicationLabels;

	/**
	 * @param honorApplicationLabels whether an application's own label named like one of its identity
	 * labels is kept, instead of exported (see {@link MergedExposition})
	 */
	public ConnectedScraper(ConnectionRegistry connections, ProxyAcceptor acceptor, ProxyMetrics metrics,
			int maxSeriesPerClient, boolean honorApplicationLabels) {
		this.connections = connections;
		this.acceptor = acceptor;
		this.metrics = metrics;
		this.maxSeriesPerClient = maxSeriesPerClient;
		this.honorApplicationLabels = honorApplicationLabels;
	}

	public Mono<MergedExposition> scrape(Duration perClientTimeout) {
		return Flux.fromIterable(this.connections.snapshot())
			.flatMap(connection -> pull(connection, perClientTimeout), 1024)
			.collect(() -> new MergedExposition(this.honorApplicationLabels), MergedExposition::add);
	}

	private Mono<ClientScrape> pull(ClientConnection connection, Duration timeout) {
		if (connection.isClosed()) {
			return dyingPush(connection);
		}
		Timer.Sample sample = Timer.start();
		return connection.socket()
			.requestResponse(this.acceptor.keyPayload(connection))
			.timeout(timeout)
			// Decrypting and parsing are CPU work: off the RSocket event loops.
			.publishOn(Schedulers.parallel())
			.map(payload -> {
				ScrapeBuffers buffers = connection.scrapeBuffers();
				return parse(connection, decrypt(connection, payload, buffers), buffers);
			})
			.doOnNext(scrape -> {
				sample.stop(this.metrics.clientScrapeLatency());
				outcome(connection, "ok");
			})
			.onErrorResume(error -> leftOut(connection, error));
	}

	private void outcome(ClientConnection connection, String outcome) {
		connection.scraped(outcome);
		this.metrics.clientScrape(outcome);
	}

	private ScrapeText decrypt(ClientConnection connection, Payload payload, ScrapeBuffers buffers) {
		try {
			return this.acceptor.decrypt(connection, payload, buffers::text);
		}
		finally {
			payload.release();
		}
	}

	/** Parses into {@code buffers}, which go back to the connection once the response is written. */
	private ClientScrape parse(ClientConnection connection, ScrapeText text, ScrapeBuffers buffers) {
		this.metrics.payload(text.length());
		return ExpositionParser.parse(text.bytes(), text.length(), buffers, connection::recycle, connection.identity(),
				this.maxSeriesPerClient);
	}

	private Mono<ClientScrape> leftOut(ClientConnection connection, Throwable error) {
		if (error instanceof TimeoutException) {
			outcome(connection, "timeout");
		}
		else if (error instanceof ScrapeRejectedException rejected) {
			outcome(connection, rejected.reasonTag());
			logger.warn("Connection {} {}: scrape left out: {}", connection.id(), connection.identity(),
					rejected.getMessage());
		}
		else {
			outcome(connection, "error");
			logger.debug("Connection {}: scrape failed: {}", connection.id(), error.toString());
		}
		// A failed pull with a push waiting is an application on its way out whose close the proxy has
		// not seen yet: its push is the answer.
		return (connection.isClosed() || connection.hasDyingPush()) ? dyingPush(connection) : Mono.empty();
	}

	private Mono<ClientScrape> dyingPush(ClientConnection connection) {
		ScrapeText push = this.connections.takeDyingPush(connection);
		this.connections.served(connection);
		if (push == null) {
			return Mono.empty();
		}
		this.metrics.clientScrape("dying_push");
		return Mono.fromCallable(() -> parse(connection, push, new ScrapeBuffers()))
			.onErrorResume(ScrapeRejectedException.class, ex -> {
				this.metrics.clientScrape(ex.reasonTag());
				return Mono.empty();
			});
	}

}
