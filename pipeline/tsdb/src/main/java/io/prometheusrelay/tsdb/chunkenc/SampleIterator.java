package io.prometheusrelay.tsdb.chunkenc;

import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.ValueType;

/**
 * Samples in time order, one at a time, as Prometheus's {@code chunkenc.Iterator}: {@link #next()}
 * moves to the next sample and says what it holds; the accessor that matches reads it.
 */
public interface SampleIterator {

	/** Moves to the next sample: its kind, or {@link ValueType#NONE} when there is none. */
	ValueType next();

	/** The current sample's timestamp (ms). */
	long timestamp();

	/** The current float sample's value. */
	double value();

	/** The current integer histogram sample. */
	Histogram histogram();

	/** The current float histogram sample. */
	FloatHistogram floatHistogram();

	/** The current sample, of the kind {@link #next()} returned. */
	default Sample sample(ValueType type) {
		return switch (type) {
			case FLOAT -> Sample.of(timestamp(), value());
			case HISTOGRAM -> Sample.of(timestamp(), histogram());
			case FLOAT_HISTOGRAM -> Sample.of(timestamp(), floatHistogram());
			case NONE -> throw new IllegalStateException("No sample");
		};
	}

	/** An iterator with no samples. */
	SampleIterator EMPTY = new SampleIterator() {

		@Override
		public ValueType next() {
			return ValueType.NONE;
		}

		@Override
		public long timestamp() {
			throw new IllegalStateException("No sample");
		}

		@Override
		public double value() {
			throw new IllegalStateException("No sample");
		}

		@Override
		public Histogram histogram() {
			throw new IllegalStateException("No sample");
		}

		@Override
		public FloatHistogram floatHistogram() {
			throw new IllegalStateException("No sample");
		}

	};

}
