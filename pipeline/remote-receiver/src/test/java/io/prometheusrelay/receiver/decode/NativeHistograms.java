package io.prometheusrelay.receiver.decode;

import java.util.List;

import io.prometheusrelay.protocol.remotewrite.BucketSpan;
import io.prometheusrelay.protocol.remotewrite.Histogram;

/** Valid native histograms of each kind, for tests to send or to break. */
public final class NativeHistograms {

	private NativeHistograms() {
	}

	/** Integer, exponential: 1 in the zero bucket, 1 negative, 1 + 2 + 1 positive (a gap of one bucket). */
	public static Histogram integer() {
		return Histogram.newBuilder()
			.setCountInt(6)
			.setSum(10.5)
			.setSchema(3)
			.setZeroThreshold(1e-128)
			.setZeroCountInt(1)
			.addNegativeSpans(span(-2, 1))
			.addNegativeDeltas(1)
			.addPositiveSpans(span(0, 2))
			.addPositiveSpans(span(1, 1))
			.addAllPositiveDeltas(List.of(1L, 1L, -1L))
			.setTimestamp(1000)
			.build();
	}

	public static Histogram floats() {
		return Histogram.newBuilder()
			.setCountFloat(6.5)
			.setSum(2.25)
			.setSchema(0)
			.setZeroCountFloat(0.5)
			.addPositiveSpans(span(0, 3))
			.addAllPositiveCounts(List.of(1.0, 2.5, 2.5))
			.setTimestamp(1000)
			.build();
	}

	/** Custom buckets (le 0.1, 0.5, 1 and +Inf) holding 1, 1, 2 and 1. */
	public static Histogram customBuckets() {
		return Histogram.newBuilder()
			.setCountInt(5)
			.setSum(3)
			.setSchema(-53)
			.addPositiveSpans(span(0, 4))
			.addAllPositiveDeltas(List.of(1L, 0L, 1L, -1L))
			.addAllCustomValues(List.of(0.1, 0.5, 1.0))
			.setTimestamp(1000)
			.build();
	}

	public static BucketSpan span(int offset, int length) {
		return BucketSpan.newBuilder().setOffset(offset).setLength(length).build();
	}

}
