package io.prometheusrelay.proxy.scrape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheusrelay.proxy.rsocket.ClientConnection;
import io.prometheusrelay.proxy.rsocket.ConnectionRegistry;
import org.jspecify.annotations.Nullable;

/**
 * {@code relay_proxy_application_up} on {@code /metrics/proxy}: Prometheus's {@code up}, per
 * connected application. One sample per application scraped at least once, labelled with its
 * identity labels: 1 when its latest scrape was served, 0 when it was left out, with the reason
 * (the {@code outcome} of {@code relay_proxy_client_scrapes_total}) as {@code reason}. So an alert
 * can say which application is missing from {@code /metrics/connected}, and why. There are as many
 * samples as connections, which the proxy already bounds; they go when their connection does.
 */
public final class ApplicationUp implements Collector {

	static final String NAME = "relay_proxy_application_up";

	private static final String REASON = "reason";

	private final ConnectionRegistry connections;

	public ApplicationUp(ConnectionRegistry connections) {
		this.connections = connections;
	}

	@Override
	public MetricSnapshot collect() {
		GaugeSnapshot.Builder family = GaugeSnapshot.builder()
			.name(NAME)
			.help("1 when the application's latest scrape was served, 0 when it was left out (and why), "
					+ "labelled with its identity");
		for (ClientConnection connection : this.connections.snapshot()) {
			String outcome = connection.lastOutcome();
			if (outcome != null && !connection.isClosed()) {
				boolean served = "ok".equals(outcome);
				family.dataPoint(GaugeDataPointSnapshot.builder()
					.labels(labels(connection.identity(), served ? null : outcome))
					.value(served ? 1 : 0)
					.build());
			}
		}
		return family.build();
	}

	@Override
	public String getPrometheusName() {
		return NAME;
	}

	/**
	 * The identity labels, and the reason when there is one. An identity label that is itself named
	 * {@code reason} is exported, as the merge exports an application's own identity labels.
	 */
	private static Labels labels(List<Map.Entry<String, String>> identity, @Nullable String reason) {
		List<String> names = new ArrayList<>(identity.size() + 1);
		List<String> values = new ArrayList<>(identity.size() + 1);
		for (Map.Entry<String, String> label : identity) {
			names.add(label.getKey());
			values.add(label.getValue());
		}
		if (reason != null) {
			String name = REASON;
			while (names.contains(name)) {
				name = "exported_" + name;
			}
			int clash = names.indexOf(REASON);
			if (clash >= 0) {
				names.set(clash, name);
			}
			names.add(REASON);
			values.add(reason);
		}
		return Labels.of(names, values);
	}

}
