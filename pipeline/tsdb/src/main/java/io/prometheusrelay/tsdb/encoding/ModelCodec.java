package io.prometheusrelay.tsdb.encoding;

import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.MetricMetadata;

/**
 * Label sets, exemplars, created ranges and metadata in this engine's own files (the write-ahead log,
 * checkpoints, the files beside a block): counts as uvarints, strings length-prefixed UTF-8.
 */
public final class ModelCodec {

	private static final MetricMetadata.Type[] TYPES = MetricMetadata.Type.values();

	private ModelCodec() {
	}

	public static void putLabels(Encoder out, Labels labels) {
		out.putUvarint(labels.size());
		for (int i = 0; i < labels.size(); i++) {
			out.putUvarintString(labels.name(i)).putUvarintString(labels.value(i));
		}
	}

	public static Labels readLabels(Decoder in) {
		String[] pairs = new String[2 * boundedCount(in)];
		for (int i = 0; i < pairs.length; i++) {
			pairs[i] = in.readUvarintString();
		}
		try {
			return Labels.ofSortedPairs(pairs);
		}
		catch (IllegalArgumentException ex) {
			throw new CorruptionException(ex.getMessage(), ex);
		}
	}

	/** An exemplar with its full timestamp (the log writes it relative to a base; see its record). */
	public static void putExemplar(Encoder out, Exemplar exemplar) {
		out.putVarint(exemplar.timestamp()).putBE64(Double.doubleToRawLongBits(exemplar.value()));
		putLabels(out, exemplar.labels());
	}

	public static Exemplar readExemplar(Decoder in) {
		long t = in.readVarint();
		double value = Double.longBitsToDouble(in.readBE64());
		return new Exemplar(readLabels(in), value, t);
	}

	public static void putCreated(Encoder out, CreatedRange range) {
		out.putVarint(range.createdTimestamp()).putVarint(range.minTime()).putVarint(range.maxTime());
	}

	public static CreatedRange readCreated(Decoder in) {
		return new CreatedRange(in.readVarint(), in.readVarint(), in.readVarint());
	}

	public static void putMetadata(Encoder out, MetricMetadata metadata) {
		out.putUvarintString(metadata.family())
			.putByte(metadata.type().ordinal())
			.putUvarintString(metadata.help())
			.putUvarintString(metadata.unit());
	}

	public static MetricMetadata readMetadata(Decoder in) {
		String family = in.readUvarintString();
		int type = in.readByte();
		if (type >= TYPES.length) {
			throw new CorruptionException("Unknown metric type " + type);
		}
		return new MetricMetadata(family, TYPES[type], in.readUvarintString(), in.readUvarintString());
	}

	/** A count that cannot be more than the bytes left: a corrupt count fails here, not in an allocation. */
	public static int boundedCount(Decoder in) {
		int count = in.readUvarintInt();
		if (count > in.remaining()) {
			throw new CorruptionException("Count " + count + " exceeds the " + in.remaining() + " bytes left");
		}
		return count;
	}

}
