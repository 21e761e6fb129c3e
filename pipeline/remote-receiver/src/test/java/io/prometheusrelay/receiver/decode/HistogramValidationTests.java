package io.prometheusrelay.receiver.decode;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.prometheusrelay.protocol.remotewrite.EncodedHistogram;
import io.prometheusrelay.protocol.remotewrite.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.prometheusrelay.receiver.decode.NativeHistograms.customBuckets;
import static io.prometheusrelay.receiver.decode.NativeHistograms.floats;
import static io.prometheusrelay.receiver.decode.NativeHistograms.integer;
import static io.prometheusrelay.receiver.decode.NativeHistograms.span;
import static org.assertj.core.api.Assertions.assertThat;

/** The checks a native histogram passes before it is stored, as Prometheus's TSDB makes them. */
class HistogramValidationTests {

	static Stream<Arguments> valid() {
		return Stream.of(Arguments.of("integer", integer()), Arguments.of("float", floats()),
				Arguments.of("custom buckets", customBuckets()),
				Arguments.of("NaN sum, count above the buckets'", integer().toBuilder().setSum(Double.NaN).setCountInt(9).build()),
				Arguments.of("empty", Histogram.newBuilder().setSchema(1).setTimestamp(5).build()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void valid(String name, Histogram histogram) throws Exception {
		assertThat(problem(histogram)).isNull();
	}

	static Stream<Arguments> invalid() {
		return Stream.of(
				invalid("schema 9", integer(), h -> h.setSchema(9), "schema 9 is neither"),
				invalid("spans need more buckets", integer(), h -> h.addPositiveSpans(span(0, 1)),
						"positive spans need 4 buckets, have 3"),
				invalid("a later span goes back", integer(), h -> h.setPositiveSpans(1, span(-1, 1)),
						"positive span 2 has a negative offset"),
				invalid("negative bucket", integer(), h -> h.setPositiveDeltas(2, -3), "a bucket count is negative"),
				invalid("count not the buckets'", integer(), h -> h.setCountInt(7), "count 7 is not the 6 observations"),
				invalid("NaN sum, count below the buckets'", integer(), h -> h.setSum(Double.NaN).setCountInt(5),
						"count 5 is below the 6 observations"),
				invalid("integer with float buckets", integer(), h -> h.addPositiveCounts(1),
						"integer histogram with float zero count or bucket counts"),
				invalid("float with integer zero count", floats(), h -> h.setZeroCountInt(1),
						"float histogram with integer zero count"),
				invalid("float negative bucket", floats(), h -> h.setPositiveCounts(0, -1), "a bucket count is negative"),
				invalid("exponential with custom bounds", integer(), h -> h.addCustomValues(1),
						"exponential schema has custom bounds"),
				invalid("custom bounds not increasing", customBuckets(), h -> h.setCustomValues(1, 0.05),
						"custom bounds are not increasing (0.1, then 0.05)"),
				invalid("custom bounds with +Inf", customBuckets(), h -> h.setCustomValues(2, Double.POSITIVE_INFINITY),
						"custom bounds list +Inf"),
				invalid("custom buckets with a zero bucket", customBuckets(), h -> h.setZeroCountInt(1).setCountInt(6),
						"custom buckets has a zero bucket"),
				invalid("custom buckets with negative buckets", customBuckets(),
						h -> h.addNegativeSpans(span(0, 1)).addNegativeDeltas(1), "custom buckets has negative buckets"),
				invalid("custom bucket past the bounds", customBuckets(),
						h -> h.setPositiveSpans(0, span(1, 4)), "buckets reach index 5 beyond the 4 custom buckets"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void invalid(String name, Histogram histogram, String problem) throws Exception {
		assertThat(problem(histogram)).contains(problem);
	}

	@Test
	void readsRepeatedNumbersWhetherPackedOrNot() throws Exception {
		Histogram histogram = integer();
		byte[] packed = histogram.toByteArray();
		// The same deltas, one field each: tag 12 with wire type 0 (varint), zig-zag encoded.
		byte[] unpacked = histogram.toBuilder().clearPositiveDeltas().build().toByteArray();
		byte[] fields = { 0x60, 0x02, 0x60, 0x02, 0x60, 0x01 };
		byte[] both = new byte[unpacked.length + fields.length];
		System.arraycopy(unpacked, 0, both, 0, unpacked.length);
		System.arraycopy(fields, 0, both, unpacked.length, fields.length);
		assertThat(Histogram.parseFrom(both)).isEqualTo(histogram);
		EncodedHistogram read = new EncodedHistogram();
		read.read(both, 0, both.length);
		assertThat(HistogramValidation.problem(read)).isNull();
		read.read(packed, 0, packed.length);
		assertThat(read.positiveDeltas().size()).isEqualTo(3);
		assertThat(read.positiveDeltas().longAt(2)).isEqualTo(-1);
		assertThat(read.negativeSpans().offset(0)).isEqualTo(-2);
	}

	private static Arguments invalid(String name, Histogram valid, UnaryOperator<Histogram.Builder> change,
			String problem) {
		return Arguments.of(name, change.apply(valid.toBuilder()).build(), problem);
	}

	private static String problem(Histogram histogram) throws Exception {
		byte[] bytes = histogram.toByteArray();
		EncodedHistogram read = new EncodedHistogram();
		read.read(bytes, 0, bytes.length);
		return HistogramValidation.problem(read);
	}

}
