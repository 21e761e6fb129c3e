package io.prometheusrelay.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.Span;
import io.prometheusrelay.tsdb.model.WriteBatch;

/**
 * A workload's samples, step by step: every series' sample at one timestamp, then the next, as
 * Prometheus scrapes and sends them. The same workload and seed give the same samples in the same
 * order, so that two stores can be fed exactly the same. Not thread-safe: one caller walks the steps.
 * <p>
 * Series look like a Kubernetes workload's (ten labels). In the realistic model, 60% are counters
 * ({@code _total}: small random increments, a reset to zero about once every 2,000 samples), 20%
 * gauges that keep a value for about 20 samples and then move by up to 5% (memory, in multiples of
 * 4096), 5% constant 1 ({@code up}), and 15% native histograms (schema 3, ten buckets filling as a
 * few observations a step arrive).
 */
final class SampleGenerator {

	private static final int HISTOGRAM_BUCKETS = 10;

	private final int steps;

	private final long start;

	private final Labels[] labels;

	private final Kind[] kinds;

	/** Each series' current value (counters, gauges) or histogram sum. */
	private final double[] values;

	/** Gauges: steps left before the value moves. Histograms: observations so far. */
	private final long[] state;

	/** Histograms: each bucket's count. */
	private final long[][] buckets;

	private final SplittableRandom random;

	private int step;

	private long nextBatchId = 1;

	enum Kind {
		RANDOM, COUNTER, GAUGE, CONSTANT, HISTOGRAM
	}

	SampleGenerator(StorageWorkload workload, long start, long seed) {
		this(workload, workload.series(), workload.samplesPerSeries(), start, seed);
	}

	/** The workload's kind of series and values, but {@code series} of them for {@code steps} steps. */
	SampleGenerator(StorageWorkload workload, int series, int steps, long start, long seed) {
		this.steps = steps;
		this.start = start;
		this.random = new SplittableRandom(seed);
		int n = series;
		this.labels = new Labels[n];
		this.kinds = new Kind[n];
		this.values = new double[n];
		this.state = new long[n];
		this.buckets = new long[n][];
		for (int i = 0; i < n; i++) {
			this.kinds[i] = kind(workload, i);
			this.labels[i] = labels(this.kinds[i], i);
			switch (this.kinds[i]) {
				case COUNTER -> this.values[i] = this.random.nextInt(1_000_000);
				case GAUGE -> this.values[i] = 4096L * (25_000 + this.random.nextInt(500_000));
				case CONSTANT -> this.values[i] = 1;
				case HISTOGRAM -> this.buckets[i] = new long[HISTOGRAM_BUCKETS];
				case RANDOM -> this.values[i] = 0;
			}
		}
	}

	private static Kind kind(StorageWorkload workload, int series) {
		if (workload.valueModel() == StorageWorkload.ValueModel.RANDOM) {
			return Kind.RANDOM;
		}
		int percent = series % 100;
		if (percent < 60) {
			return Kind.COUNTER;
		}
		if (percent < 80) {
			return Kind.GAUGE;
		}
		return (percent < 85) ? Kind.CONSTANT : Kind.HISTOGRAM;
	}

	private static Labels labels(Kind kind, int i) {
		String name = switch (kind) {
			case RANDOM -> "bench_metric_" + (i % 200);
			case COUNTER -> "http_server_requests_total_" + (i % 40);
			case GAUGE -> "container_memory_working_set_bytes_" + (i % 20);
			case CONSTANT -> "up";
			case HISTOGRAM -> "http_server_request_duration_seconds_" + (i % 15);
		};
		return Labels.of("__name__", name, "container", "app-" + (i % 7), "env", "production", "instance",
				"10.1." + (i / 250 % 250) + "." + (i % 250) + ":8080", "job", "kubernetes-pods", "namespace",
				"team-" + (i % 40), "pod", "checkout-7d9c6b5f4-" + Integer.toString(i, 36), "region", "eu-west-" + (i % 3), "uri", "/api/v1/orders/{id}/items");
	}

	/** Whether every step has been generated. */
	boolean done() {
		return this.step >= this.steps;
	}

	/** The timestamp of the current step. */
	long timestamp() {
		return this.start + StorageWorkload.STEP.toMillis() * this.step;
	}

	/** Every series' sample at the current step, in batches of at most {@code seriesPerBatch} series; then moves on. */
	List<WriteBatch> nextStep(int seriesPerBatch) {
		long t = timestamp();
		List<WriteBatch> batches = new ArrayList<>();
		for (int from = 0; from < this.labels.length; from += seriesPerBatch) {
			int to = Math.min(this.labels.length, from + seriesPerBatch);
			List<SeriesWrite> series = new ArrayList<>(to - from);
			for (int i = from; i < to; i++) {
				series.add(new SeriesWrite(this.labels[i], List.of(next(i, t))));
			}
			batches.add(new WriteBatch(new BatchId(0, this.nextBatchId++), series));
		}
		this.step++;
		return batches;
	}

	private Sample next(int i, long t) {
		switch (this.kinds[i]) {
			case RANDOM -> {
				return Sample.of(t, this.random.nextInt(1000));
			}
			case COUNTER -> {
				this.values[i] = (this.random.nextInt(2000) == 0) ? 0 : this.values[i] + this.random.nextInt(30);
				return Sample.of(t, this.values[i]);
			}
			case GAUGE -> {
				if (--this.state[i] <= 0) {
					this.state[i] = 1 + this.random.nextInt(40);
					long pages = (long) (this.values[i] / 4096);
					this.values[i] = 4096L * Math.max(1, pages + this.random.nextLong(-pages / 20, pages / 20 + 1));
				}
				return Sample.of(t, this.values[i]);
			}
			case CONSTANT -> {
				return Sample.of(t, 1);
			}
			case HISTOGRAM -> {
				return Sample.of(t, histogram(i));
			}
		}
		throw new IllegalStateException();
	}

	/** A few observations more, most in the middle buckets; the histogram as Prometheus sends it. */
	private Histogram histogram(int i) {
		long[] counts = this.buckets[i];
		int observations = this.random.nextInt(6);
		for (int o = 0; o < observations; o++) {
			int bucket = Math.min(HISTOGRAM_BUCKETS - 1,
					Math.max(0, (int) Math.round(4.5 + this.random.nextDouble(-1, 1) * 2.5 + this.random.nextDouble(-1, 1) * 2)));
			counts[bucket]++;
			this.values[i] += 0.01 * Math.pow(1.09, bucket + 20);
		}
		this.state[i] += observations;
		long[] deltas = new long[HISTOGRAM_BUCKETS];
		long previous = 0;
		for (int b = 0; b < HISTOGRAM_BUCKETS; b++) {
			deltas[b] = counts[b] - previous;
			previous = counts[b];
		}
		return new Histogram(ResetHint.UNKNOWN, 3, Math.scalb(1.0, -128), this.state[i], 0, this.values[i],
				new Span[] { new Span(20, HISTOGRAM_BUCKETS) }, deltas, new Span[0], new long[0], new double[0]);
	}

}
