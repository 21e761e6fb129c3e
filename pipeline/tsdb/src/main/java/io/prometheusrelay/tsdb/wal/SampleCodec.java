package io.prometheusrelay.tsdb.wal;

import io.prometheusrelay.tsdb.encoding.Decoder;
import io.prometheusrelay.tsdb.encoding.Encoder;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.Sample;

/** One sample of any kind: its kind, timestamp and value or histogram. */
final class SampleCodec {

	private SampleCodec() {
	}

	static void write(Encoder out, Sample sample) {
		out.putByte(sample.type().ordinal()).putVarint(sample.timestamp());
		switch (sample.type()) {
			case FLOAT -> out.putBE64(Double.doubleToRawLongBits(sample.value()));
			case HISTOGRAM -> HistogramCodec.write(out, sample.histogram());
			case FLOAT_HISTOGRAM -> HistogramCodec.write(out, sample.floatHistogram());
			case NONE -> throw new IllegalArgumentException("No sample");
		}
	}

	static Sample read(Decoder in) {
		int kind = in.readByte();
		long t = in.readVarint();
		return switch (kind) {
			case 1 -> Sample.of(t, Double.longBitsToDouble(in.readBE64()));
			case 2 -> Sample.of(t, HistogramCodec.readHistogram(in));
			case 3 -> Sample.of(t, HistogramCodec.readFloatHistogram(in));
			default -> throw new CorruptionException("Unknown sample kind " + kind);
		};
	}

}
