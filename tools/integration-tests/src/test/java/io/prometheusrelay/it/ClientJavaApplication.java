package io.prometheusrelay.it;

import java.io.IOException;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * An application instrumented with Prometheus's Java client (client_java) and exposing its metrics
 * on client_java's own HTTP server, which answers Prometheus's protobuf exposition when asked: a
 * counter with an exemplar, a gauge, and a native histogram. Every value is fixed before the first
 * scrape, so each scrape reports the same values and a reader can tell exactly what was sent.
 */
final class ClientJavaApplication implements AutoCloseable {

	static final String COUNTER = "shop_orders_total";

	static final String GAUGE = "shop_queue_size";

	static final String HISTOGRAM = "shop_request_duration_seconds";

	static final String HISTOGRAM_HELP = "Time taken to answer a request.";

	static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	/** What the histogram observed: one in the zero bucket, two in one bucket, the rest apart. */
	static final double[] OBSERVATIONS = { 0, 0.004, 0.1, 0.25, 0.25, 1.5, 3 };

	private final HTTPServer server;

	ClientJavaApplication() throws IOException {
		PrometheusRegistry registry = new PrometheusRegistry();
		Counter orders = Counter.builder()
			.name(COUNTER)
			.help("Orders placed.")
			.labelNames("region")
			.register(registry);
		orders.labelValues("eu").incWithExemplar(42, Labels.of("trace_id", TRACE_ID));
		Gauge.builder().name(GAUGE).help("Requests waiting.").register(registry).set(7);
		Histogram latency = Histogram.builder()
			.name(HISTOGRAM)
			.help(HISTOGRAM_HELP)
			.unit(Unit.SECONDS)
			.nativeOnly()
			.register(registry);
		for (double observation : OBSERVATIONS) {
			latency.observe(observation);
		}
		this.server = HTTPServer.builder().hostname("127.0.0.1").port(0).registry(registry).buildAndStart();
	}

	/** {@code host:port} of its metrics endpoint ({@code /metrics}). */
	String target() {
		return "127.0.0.1:" + this.server.getPort();
	}

	@Override
	public void close() {
		this.server.close();
	}

}
