package io.prometheusrelay.tsdb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.prometheusrelay.tsdb.chunkenc.SampleIterator;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Matcher;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.ValueType;
import io.prometheusrelay.tsdb.model.WriteBatch;
import io.prometheusrelay.tsdb.query.Querier;
import io.prometheusrelay.tsdb.query.SeriesChunks;

/** Batches for the engine's tests, and everything an engine holds, read back. */
final class TestBatches {

	private static final AtomicLong NEXT_ID = new AtomicLong(1);

	private TestBatches() {
	}

	static BatchId newId() {
		return new BatchId(0, NEXT_ID.getAndIncrement());
	}

	/** A batch of {@code seriesCount} gauges {@code name{instance="i"}}, one sample each at {@code t}. */
	static WriteBatch gauges(String name, int seriesCount, long t, double value) {
		List<SeriesWrite> series = new ArrayList<>();
		for (int i = 0; i < seriesCount; i++) {
			series.add(new SeriesWrite(Labels.of("__name__", name, "instance", "i" + i), List.of(Sample.of(t, value + i))));
		}
		return new WriteBatch(newId(), series);
	}

	static WriteBatch of(Labels labels, Sample... samples) {
		return new WriteBatch(newId(), List.of(new SeriesWrite(labels, List.of(samples))));
	}

	/** Every series the engine holds with every sample, in label order. */
	static Map<Labels, List<Sample>> readAll(Tsdb tsdb) {
		return read(tsdb.querier(Long.MIN_VALUE, Long.MAX_VALUE), List.of());
	}

	static Map<Labels, List<Sample>> read(Querier querier, List<Matcher> matchers) {
		Map<Labels, List<Sample>> all = new LinkedHashMap<>();
		querier.select(matchers).forEachRemaining((SeriesChunks series) -> {
			List<Sample> samples = new ArrayList<>();
			SampleIterator it = querier.samples(series);
			for (ValueType type = it.next(); type != ValueType.NONE; type = it.next()) {
				samples.add(it.sample(type));
			}
			all.put(series.labels(), samples);
		});
		return all;
	}

}
