package io.prometheusrelay.benchmarks;

import java.time.Duration;

/**
 * The loads the storage benchmarks write: how many series, for how long, at Prometheus's usual 15 s
 * step, and what their values look like.
 */
enum StorageWorkload {

	/** 100,000 series over 8 hours of timestamps (1,920 samples each): long enough for blocks to be cut and merged. */
	WIDE(100_000, 1_920, ValueModel.RANDOM),

	/** 5,000 series of 1,920 samples each (the 5,000-series load, four times as long). */
	LONG(5_000, 1_920, ValueModel.RANDOM),

	/**
	 * 20,000 series whose values look like real ones: counters that grow by small steps (and are
	 * sometimes reset), gauges that hold a value for a while, constant {@code up}-like series, and
	 * native histograms whose buckets fill as observations come; 1,920 samples each.
	 */
	REALISTIC(20_000, 1_920, ValueModel.REALISTIC);

	static final Duration STEP = Duration.ofSeconds(15);

	/**
	 * How values change. RANDOM: an integer drawn at random from [0, 1000) for every sample, the
	 * synthetic kind of load that compresses far worse than real metrics do.
	 */
	enum ValueModel {
		RANDOM, REALISTIC
	}

	private final int series;

	private final int samplesPerSeries;

	private final ValueModel values;

	StorageWorkload(int series, int samplesPerSeries, ValueModel values) {
		this.series = series;
		this.samplesPerSeries = samplesPerSeries;
		this.values = values;
	}

	int series() {
		return this.series;
	}

	int samplesPerSeries() {
		return this.samplesPerSeries;
	}

	long samples() {
		return (long) this.series * this.samplesPerSeries;
	}

	ValueModel valueModel() {
		return this.values;
	}

	Duration span() {
		return STEP.multipliedBy(this.samplesPerSeries);
	}

	static StorageWorkload of(String name) {
		return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
	}

}
