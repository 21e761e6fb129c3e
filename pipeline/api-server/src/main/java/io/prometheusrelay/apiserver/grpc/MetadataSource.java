package io.prometheusrelay.apiserver.grpc;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.grpc.Status;
import io.prometheusrelay.apiserver.query.EncodedLabels;
import io.prometheusrelay.apiserver.store.LatestIndex;
import io.prometheusrelay.apiserver.store.IndexedSeries;
import io.prometheusrelay.apiserver.store.SeriesKey;
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

	private final LatestIndex index;

	/** Metric names of this call's series so far. */
	private final Set<String> names = new HashSet<>();

	/** Families whose metadata this call has sent. */
	private final Set<String> families = new HashSet<>();

	private @Nullable IndexedSeries held;

	MetadataSource(SeriesSource series, LatestIndex index) {
		this.series = series;
		this.index = index;
	}

	@Override
	public @Nullable IndexedSeries next() {
		IndexedSeries held = this.held;
		if (held != null) {
			this.held = null;
			return held;
		}
		IndexedSeries next = this.series.next();
		if (next == null || !this.index.hasMetadata()) {
			return next;
		}
		String name = EncodedLabels.metricName(next.key().encodedLabels());
		if (!this.names.add(name)) {
			return next;
		}
		String family = familyOf(name);
		byte[] metadata = (family != null) ? this.index.metadata(family) : null;
		if (metadata == null || !this.families.add(family)) {
			return next;
		}
		this.held = next;
		return IndexedSeries.metadata(SeriesKey.of(Map.of("__name__", family)), metadata);
	}

	/** The family a metric name belongs to, among those with metadata; null for none. */
	private @Nullable String familyOf(String name) {
		if (this.index.metadata(name) != null) {
			return name;
		}
		for (String suffix : SUFFIXES) {
			if (name.endsWith(suffix)) {
				String family = name.substring(0, name.length() - suffix.length());
				if (this.index.metadata(family) != null) {
					return family;
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
