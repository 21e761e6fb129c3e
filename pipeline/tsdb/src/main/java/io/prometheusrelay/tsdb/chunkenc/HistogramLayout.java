package io.prometheusrelay.tsdb.chunkenc;

import java.util.Arrays;

import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.FloatHistogram;
import io.prometheusrelay.tsdb.model.Histogram;
import io.prometheusrelay.tsdb.model.ResetHint;
import io.prometheusrelay.tsdb.model.Span;

/**
 * What every sample of a histogram chunk shares, written once after the chunk's header: the zero
 * threshold, the schema, the positive and negative spans and, for custom buckets, their bounds. The
 * header's top two bits say what the chunk's first sample said of counter resets.
 */
record HistogramLayout(int schema, double zeroThreshold, Span[] positiveSpans, Span[] negativeSpans,
		double[] customValues) {

	/** More spans or bounds than any histogram has: a corrupt count, not a reason to run out of memory. */
	private static final int MAX_ENTRIES = 1 << 20;

	private static final HistogramLayout STALE = new HistogramLayout(0, 0, new Span[0], new Span[0], new double[0]);

	static HistogramLayout of(Histogram h) {
		return h.isStale() ? STALE
				: new HistogramLayout(h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(),
						h.customValues());
	}

	static HistogramLayout of(FloatHistogram h) {
		return h.isStale() ? STALE
				: new HistogramLayout(h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(),
						h.customValues());
	}

	/** Whether a histogram has this layout, so that it can share the chunk. */
	boolean sameAs(int schema, double zeroThreshold, Span[] positive, Span[] negative, double[] custom) {
		return this.schema == schema
				&& Double.doubleToRawLongBits(this.zeroThreshold) == Double.doubleToRawLongBits(zeroThreshold)
				&& Arrays.equals(this.positiveSpans, positive) && Arrays.equals(this.negativeSpans, negative)
				&& Arrays.equals(this.customValues, custom);
	}

	int positiveBuckets() {
		return Span.bucketCount(this.positiveSpans);
	}

	int negativeBuckets() {
		return Span.bucketCount(this.negativeSpans);
	}

	void write(BitWriter out) {
		writeZeroThreshold(out, this.zeroThreshold);
		Varbit.putInt(out, this.schema);
		writeSpans(out, this.positiveSpans);
		writeSpans(out, this.negativeSpans);
		if (this.schema == Histogram.CUSTOM_BUCKETS_SCHEMA) {
			Varbit.putUint(out, this.customValues.length);
			for (double bound : this.customValues) {
				writeCustomBound(out, bound);
			}
		}
	}

	static HistogramLayout read(BitReader in) {
		double zeroThreshold = readZeroThreshold(in);
		int schema = (int) Varbit.readInt(in);
		Span[] positive = readSpans(in);
		Span[] negative = readSpans(in);
		double[] custom = new double[0];
		if (schema == Histogram.CUSTOM_BUCKETS_SCHEMA) {
			custom = new double[checkedCount(Varbit.readUint(in))];
			for (int i = 0; i < custom.length; i++) {
				custom[i] = readCustomBound(in);
			}
		}
		return new HistogramLayout(schema, zeroThreshold, positive, negative, custom);
	}

	/** The header's counter-reset bits for a chunk whose first sample says {@code hint}. */
	static int headerBits(ResetHint hint) {
		return switch (hint) {
			case YES -> 0b1000_0000;
			case NO -> 0b0100_0000;
			case GAUGE -> 0b1100_0000;
			case UNKNOWN -> 0;
		};
	}

	static ResetHint hintOf(int header) {
		return switch (header & 0b1100_0000) {
			case 0b1000_0000 -> ResetHint.YES;
			case 0b0100_0000 -> ResetHint.NO;
			case 0b1100_0000 -> ResetHint.GAUGE;
			default -> ResetHint.UNKNOWN;
		};
	}

	/**
	 * 0 as one zero byte; a power of two from 2^-243 to 2^10 as one byte, its exponent plus 243 (the
	 * default, 2^-128, is 116); anything else as 255 and the float's 8 bytes.
	 */
	private static void writeZeroThreshold(BitWriter out, double threshold) {
		if (threshold == 0) {
			out.writeByte(0);
			return;
		}
		long bits = Double.doubleToRawLongBits(threshold);
		boolean powerOfTwo = threshold > 0 && Double.isFinite(threshold) && (bits & 0x000F_FFFF_FFFF_FFFFL) == 0
				&& Math.getExponent(threshold) >= Double.MIN_EXPONENT;
		// Go's math.Frexp gives threshold = 0.5 * 2^exp: exp is one more than Java's exponent.
		int exp = Math.getExponent(threshold) + 1;
		if (!powerOfTwo || exp < -242 || exp > 11) {
			out.writeByte(255);
			out.writeBits(bits, 64);
			return;
		}
		out.writeByte(exp + 243);
	}

	private static double readZeroThreshold(BitReader in) {
		int b = in.readByte();
		return switch (b) {
			case 0 -> 0;
			case 255 -> Double.longBitsToDouble(in.readBits(64));
			default -> Math.scalb(0.5, b - 243);
		};
	}

	private static void writeSpans(BitWriter out, Span[] spans) {
		Varbit.putUint(out, spans.length);
		for (Span span : spans) {
			Varbit.putUint(out, Integer.toUnsignedLong(span.length()));
			Varbit.putInt(out, span.offset());
		}
	}

	private static Span[] readSpans(BitReader in) {
		Span[] spans = new Span[checkedCount(Varbit.readUint(in))];
		for (int i = 0; i < spans.length; i++) {
			int length = (int) Varbit.readUint(in);
			int offset = (int) Varbit.readInt(in);
			spans[i] = new Span(offset, length);
		}
		return spans;
	}

	/**
	 * A bound that is a multiple of 0.001 from 0 to 33554.43 as the unsigned varbit of a thousand times
	 * it plus one (never 0); anything else as a 0 bit and the float's 8 bytes.
	 */
	private static void writeCustomBound(BitWriter out, double bound) {
		double thousandfold = bound * 1000;
		if (thousandfold < 0 || thousandfold > 33554430 || !isWholeWhenMultiplied(bound)) {
			out.writeBit(false);
			out.writeBits(Double.doubleToRawLongBits(bound), 64);
			return;
		}
		Varbit.putUint(out, Math.round(thousandfold) + 1);
	}

	private static boolean isWholeWhenMultiplied(double value) {
		long whole = Math.round(value * 1000);
		return value == whole / 1000.0;
	}

	private static double readCustomBound(BitReader in) {
		long v = Varbit.readUint(in);
		return (v == 0) ? Double.longBitsToDouble(in.readBits(64)) : (v - 1) / 1000.0;
	}

	private static int checkedCount(long count) {
		if (count < 0 || count > MAX_ENTRIES) {
			throw new CorruptionException("Histogram chunk layout has " + count + " entries");
		}
		return (int) count;
	}

}
