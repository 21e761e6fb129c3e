package io.prometheusrelay.tsdb.query;

import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import org.jspecify.annotations.Nullable;

/**
 * A series at its newest: its newest sample (null when only exemplars came for it), that sample's
 * created timestamp (0 for none), and its newest exemplar (or null).
 */
public record LatestSeries(Labels labels, @Nullable Sample sample, long createdTimestamp,
		@Nullable Exemplar exemplar) {
}
