package io.prometheusrelay.apiserver.grpc;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.grpc.Status;
import io.prometheusrelay.apiserver.wire.ProtoModel;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.tsdb.head.Head;
import io.prometheusrelay.tsdb.model.MetricMetadata;
import org.jspecify.annotations.Nullable;

/**
 * Puts each metric family's metadata (type, help, unit) in a call's stream once, just before the
 * first series of the family: a TimeSeries whose only label is {@code __name__}, the family's name,
 * with the {@code metadata} field. A series belongs to the family of its name, or of its name
 * without one of the suffixes Prometheus's formats add ({@code _total}, {@code _bucket},
 * {@code _count}, {@code _sum}, {@code _created}, {@code _info}). FOLLOW sends a family's metadata
 * with its first series of the call: what was stored then, not later changes.
 */
final class MetadataSource implements SeriesSource {

	private static final List<String> SUFFIXES = List.of("_total", "_bucket", "_count", "_sum", "_created", "_info");

	private final SeriesSource series;

	private final Head head;

	/** Metric names of this call's series so far. */
	private final Set<String> names = new HashSet<>();

	/** Families whose metadata this call has sent. */
	private final Set<String> families = new HashSet<>();

	private @Nullable TimeSeries held;

	MetadataSource(SeriesSource series, Head head) {
		this.series = series;
		this.head = head;
	}

	@Override
	public @Nullable TimeSeries next() {
		TimeSeries held = this.held;
		if (held != null) {
			this.held = null;
			return held;
		}
		TimeSeries next = this.series.next();
		if (next == null) {
			return null;
		}
		String name = metricName(next);
		if (name == null || !this.names.add(name)) {
			return next;
		}
		MetricMetadata metadata = familyOf(name);
		if (metadata == null || !this.families.add(metadata.family())) {
			return next;
		}
		this.held = next;
		return TimeSeries.newBuilder()
			.addLabels(Label.newBuilder().setName("__name__").setValue(metadata.family()))
			.setMetadata(ProtoModel.metadata(metadata))
			.build();
	}

	private static @Nullable String metricName(TimeSeries series) {
		for (Label label : series.getLabelsList()) {
			if (label.getName().equals("__name__")) {
				return label.getValue();
			}
		}
		return null;
	}

	/** The metadata of the family a metric name belongs to, among those with metadata; null for none. */
	private @Nullable MetricMetadata familyOf(String name) {
		MetricMetadata metadata = this.head.metadata(name);
		if (metadata != null) {
			return metadata;
		}
		for (String suffix : SUFFIXES) {
			if (name.endsWith(suffix)) {
				metadata = this.head.metadata(name.substring(0, name.length() - suffix.length()));
				if (metadata != null) {
					return metadata;
				}
			}
		}
		return null;
	}

	@Override
	public boolean isExhausted() {
		return this.held == null && this.series.isExhausted();
	}

	@Override
	public void onAvailable(Runnable wakeUp) {
		this.series.onAvailable(wakeUp);
	}

	@Override
	public Optional<Status> failure() {
		return this.series.failure();
	}

	@Override
	public void close() {
		this.series.close();
	}

}
