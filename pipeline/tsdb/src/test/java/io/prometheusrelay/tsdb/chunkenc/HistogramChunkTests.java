package io.prometheusrelay.tsdb.chunkenc;

import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.Span;
import io.prometheusrelay.tsdb.model.TestHistograms;
import io.prometheusrelay.tsdb.model.ValueType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HistogramChunkTests {

	@Test
	void readsBackAGrowingCounterHistogramInOneChunk() {
		HistogramChunkBuilder builder = new HistogramChunkBuilder();
		List<Histogram> written = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			Histogram h = TestHistograms.exponential(i, (i == 0) ? ResetHint.YES : ResetHint.UNKNOWN);
			assertThat(builder.tryAppend(60_000L * i, h)).isTrue();
			written.add(h);
		}
		List<Histogram> read = histograms(builder.toChunk());
		assertThat(read.get(0)).isEqualTo(written.get(0));
		for (int i = 1; i < written.size(); i++) {
			// Nothing in a chunk resets: what joined it reads back as "no reset".
			assertThat(read.get(i)).isEqualTo(written.get(i).withResetHint(ResetHint.NO));
		}
	}

	@Test
	void refusesWhatMustStartAChunkOfItsOwn() {
		HistogramChunkBuilder builder = new HistogramChunkBuilder();
		assertThat(builder.tryAppend(0, TestHistograms.exponential(5, ResetHint.UNKNOWN))).isTrue();
		// A counter that went down, a reset said outright, another layout, a gauge.
		assertThat(builder.tryAppend(1, TestHistograms.exponential(4, ResetHint.UNKNOWN))).isFalse();
		assertThat(builder.tryAppend(1, TestHistograms.exponential(6, ResetHint.YES))).isFalse();
		assertThat(builder.tryAppend(1, TestHistograms.customBuckets(6))).isFalse();
		assertThat(builder.tryAppend(1, TestHistograms.exponential(6, ResetHint.GAUGE))).isFalse();
		Histogram h = TestHistograms.exponential(6, ResetHint.NO);
		Histogram otherSpans = new Histogram(ResetHint.NO, 0, h.zeroThreshold(), h.count(), h.zeroCount(), h.sum(),
				new Span[] { new Span(-1, 3) }, new long[] { 1, 1, 1 }, h.negativeSpans(), h.negativeDeltas(),
				h.customValues());
		assertThat(builder.tryAppend(1, otherSpans)).isFalse();
		assertThat(builder.tryAppend(1, TestHistograms.exponential(6, ResetHint.NO))).isTrue();
		assertThat(builder.numSamples()).isEqualTo(2);
	}

	@Test
	void aGaugeChunkTakesGaugesThatGoDown() {
		HistogramChunkBuilder builder = new HistogramChunkBuilder();
		List<Histogram> written = List.of(TestHistograms.exponential(9, ResetHint.GAUGE),
				TestHistograms.exponential(3, ResetHint.GAUGE), TestHistograms.exponential(7, ResetHint.GAUGE));
		for (int i = 0; i < written.size(); i++) {
			assertThat(builder.tryAppend(i, written.get(i))).isTrue();
		}
		assertThat(builder.tryAppend(5, TestHistograms.exponential(8, ResetHint.UNKNOWN))).isFalse();
		assertThat(histograms(builder.toChunk())).containsExactlyElementsOf(written);
	}

	@Test
	void keepsStaleMarkersAndStartsANewChunkAfterOne() {
		HistogramChunkBuilder builder = new HistogramChunkBuilder();
		assertThat(builder.tryAppend(0, TestHistograms.exponential(1, ResetHint.UNKNOWN))).isTrue();
		assertThat(builder.tryAppend(1, TestHistograms.exponential(2, ResetHint.UNKNOWN))).isTrue();
		assertThat(builder.tryAppend(2, Histogram.staleMarker())).isTrue();
		assertThat(builder.tryAppend(3, Histogram.staleMarker())).isTrue();
		assertThat(builder.tryAppend(4, TestHistograms.exponential(3, ResetHint.UNKNOWN))).isFalse();
		List<Histogram> read = histograms(builder.toChunk());
		assertThat(read).hasSize(4);
		assertThat(read.get(1)).isEqualTo(TestHistograms.exponential(2, ResetHint.NO));
		assertThat(read.get(2).isStale()).isTrue();
		assertThat(read.get(3)).isEqualTo(Histogram.staleMarker());

		HistogramChunkBuilder staleFirst = new HistogramChunkBuilder();
		assertThat(staleFirst.tryAppend(10, Histogram.staleMarker())).isTrue();
		assertThat(histograms(staleFirst.toChunk())).containsExactly(Histogram.staleMarker());
	}

	@Test
	void readsBackCustomBucketsWhetherTheirBoundsAreShortOrNot() {
		HistogramChunkBuilder builder = new HistogramChunkBuilder();
		for (int i = 0; i < 12; i++) {
			assertThat(builder.tryAppend(i * 1000L, TestHistograms.customBuckets(i))).isTrue();
		}
		List<Histogram> read = histograms(builder.toChunk());
		assertThat(read.get(0)).isEqualTo(TestHistograms.customBuckets(0));
		assertThat(read.get(11)).isEqualTo(TestHistograms.customBuckets(11).withResetHint(ResetHint.NO));
	}

	@Test
	void readsBackZeroThresholdsOfEveryEncoding() {
		for (double threshold : new double[] { 0, TestHistograms.DEFAULT_ZERO_THRESHOLD, 1024, Math.scalb(1.0, -243),
				2048, 0.001, Math.scalb(1.0, -244) }) {
			Histogram base = TestHistograms.exponential(3, ResetHint.UNKNOWN);
			Histogram h = new Histogram(ResetHint.UNKNOWN, base.schema(), threshold, base.count(), base.zeroCount(),
					base.sum(), base.positiveSpans(), base.positiveDeltas(), base.negativeSpans(),
					base.negativeDeltas(), base.customValues());
			HistogramChunkBuilder builder = new HistogramChunkBuilder();
			builder.tryAppend(0, h);
			assertThat(histograms(builder.toChunk())).as("threshold %s", threshold).containsExactly(h);
		}
	}

	@Test
	void readsBackFloatHistograms() {
		FloatHistogramChunkBuilder builder = new FloatHistogramChunkBuilder();
		List<FloatHistogram> written = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			FloatHistogram h = TestHistograms.exponentialFloat(i, ResetHint.UNKNOWN);
			assertThat(builder.tryAppend(i * 15_000L, h)).isTrue();
			written.add(h);
		}
		assertThat(builder.tryAppend(1_000_000, TestHistograms.exponentialFloat(2, ResetHint.UNKNOWN))).isFalse();
		assertThat(builder.tryAppend(1_000_000, FloatHistogram.staleMarker())).isTrue();
		List<FloatHistogram> read = floatHistograms(builder.toChunk());
		assertThat(read.get(0)).isEqualTo(written.get(0));
		for (int i = 1; i < written.size(); i++) {
			assertThat(read.get(i)).isEqualTo(written.get(i).withResetHint(ResetHint.NO));
		}
		assertThat(read.get(30).isStale()).isTrue();
	}

	@Test
	void isFullAtAboutAKilobyteWithTenSamplesAtLeast() {
		HistogramChunkBuilder builder = new HistogramChunkBuilder();
		int i = 0;
		while (!builder.isFull()) {
			builder.tryAppend(i, TestHistograms.exponential(i * 1_000_003, ResetHint.UNKNOWN));
			i++;
		}
		assertThat(builder.numSamples()).isBetween(10, ChunkBuilder.SAMPLES_PER_CHUNK);
	}

	static List<Histogram> histograms(Chunk chunk) {
		List<Histogram> read = new ArrayList<>();
		SampleIterator it = chunk.iterator();
		while (it.next() == ValueType.HISTOGRAM) {
			read.add(it.histogram());
		}
		return read;
	}

	static List<FloatHistogram> floatHistograms(Chunk chunk) {
		List<FloatHistogram> read = new ArrayList<>();
		SampleIterator it = chunk.iterator();
		while (it.next() == ValueType.FLOAT_HISTOGRAM) {
			read.add(it.floatHistogram());
		}
		return read;
	}

}
