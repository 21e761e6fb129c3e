package io.prometheusrelay.tsdb.wal;

import io.prometheusrelay.tsdb.encoding.Decoder;
import io.prometheusrelay.tsdb.encoding.Encoder;
import io.prometheusrelay.tsdb.encoding.ModelCodec;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.Span;

/** Native histograms, field by field, in the write-ahead log and checkpoints. */
final class HistogramCodec {

	private static final ResetHint[] HINTS = ResetHint.values();

	private HistogramCodec() {
	}

	static void write(Encoder out, Histogram h) {
		writeLayout(out, h.resetHint(), h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(),
				h.customValues());
		out.putUvarint(h.count()).putUvarint(h.zeroCount()).putBE64(Double.doubleToRawLongBits(h.sum()));
		for (long delta : h.positiveDeltas()) {
			out.putVarint(delta);
		}
		for (long delta : h.negativeDeltas()) {
			out.putVarint(delta);
		}
	}

	static Histogram readHistogram(Decoder in) {
		ResetHint hint = hint(in.readByte());
		int schema = (int) in.readVarint();
		double zeroThreshold = Double.longBitsToDouble(in.readBE64());
		Span[] positiveSpans = readSpans(in);
		Span[] negativeSpans = readSpans(in);
		double[] custom = readFloats(in);
		long count = in.readUvarint();
		long zeroCount = in.readUvarint();
		double sum = Double.longBitsToDouble(in.readBE64());
		long[] positive = new long[Span.bucketCount(positiveSpans)];
		for (int i = 0; i < positive.length; i++) {
			positive[i] = in.readVarint();
		}
		long[] negative = new long[Span.bucketCount(negativeSpans)];
		for (int i = 0; i < negative.length; i++) {
			negative[i] = in.readVarint();
		}
		return new Histogram(hint, schema, zeroThreshold, count, zeroCount, sum, positiveSpans, positive, negativeSpans,
				negative, custom);
	}

	static void write(Encoder out, FloatHistogram h) {
		writeLayout(out, h.resetHint(), h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(),
				h.customValues());
		out.putBE64(Double.doubleToRawLongBits(h.count()))
			.putBE64(Double.doubleToRawLongBits(h.zeroCount()))
			.putBE64(Double.doubleToRawLongBits(h.sum()));
		for (double count : h.positiveCounts()) {
			out.putBE64(Double.doubleToRawLongBits(count));
		}
		for (double count : h.negativeCounts()) {
			out.putBE64(Double.doubleToRawLongBits(count));
		}
	}

	static FloatHistogram readFloatHistogram(Decoder in) {
		ResetHint hint = hint(in.readByte());
		int schema = (int) in.readVarint();
		double zeroThreshold = Double.longBitsToDouble(in.readBE64());
		Span[] positiveSpans = readSpans(in);
		Span[] negativeSpans = readSpans(in);
		double[] custom = readFloats(in);
		double count = Double.longBitsToDouble(in.readBE64());
		double zeroCount = Double.longBitsToDouble(in.readBE64());
		double sum = Double.longBitsToDouble(in.readBE64());
		double[] positive = new double[Span.bucketCount(positiveSpans)];
		for (int i = 0; i < positive.length; i++) {
			positive[i] = Double.longBitsToDouble(in.readBE64());
		}
		double[] negative = new double[Span.bucketCount(negativeSpans)];
		for (int i = 0; i < negative.length; i++) {
			negative[i] = Double.longBitsToDouble(in.readBE64());
		}
		return new FloatHistogram(hint, schema, zeroThreshold, count, zeroCount, sum, positiveSpans, positive,
				negativeSpans, negative, custom);
	}

	private static void writeLayout(Encoder out, ResetHint hint, int schema, double zeroThreshold, Span[] positive,
			Span[] negative, double[] custom) {
		out.putByte(hint.ordinal()).putVarint(schema).putBE64(Double.doubleToRawLongBits(zeroThreshold));
		writeSpans(out, positive);
		writeSpans(out, negative);
		out.putUvarint(custom.length);
		for (double value : custom) {
			out.putBE64(Double.doubleToRawLongBits(value));
		}
	}

	private static void writeSpans(Encoder out, Span[] spans) {
		out.putUvarint(spans.length);
		for (Span span : spans) {
			out.putVarint(span.offset()).putUvarint(Integer.toUnsignedLong(span.length()));
		}
	}

	private static Span[] readSpans(Decoder in) {
		Span[] spans = new Span[ModelCodec.boundedCount(in)];
		for (int i = 0; i < spans.length; i++) {
			spans[i] = new Span((int) in.readVarint(), (int) in.readUvarint());
		}
		return spans;
	}

	private static double[] readFloats(Decoder in) {
		double[] values = new double[ModelCodec.boundedCount(in)];
		for (int i = 0; i < values.length; i++) {
			values[i] = Double.longBitsToDouble(in.readBE64());
		}
		return values;
	}

	private static ResetHint hint(int ordinal) {
		if (ordinal >= HINTS.length) {
			throw new CorruptionException("Unknown reset hint " + ordinal);
		}
		return HINTS[ordinal];
	}

}
