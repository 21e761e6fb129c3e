package io.prometheusrelay.tsdb.chunkenc;

import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.ValueType;

/** The encodings a chunk can have, with the byte that names each in a chunk file. */
public enum ChunkEncoding {

	XOR(1, ValueType.FLOAT),

	HISTOGRAM(2, ValueType.HISTOGRAM),

	FLOAT_HISTOGRAM(3, ValueType.FLOAT_HISTOGRAM);

	private final int code;

	private final ValueType valueType;

	ChunkEncoding(int code, ValueType valueType) {
		this.code = code;
		this.valueType = valueType;
	}

	public int code() {
		return this.code;
	}

	/** What the chunk's samples hold. */
	public ValueType valueType() {
		return this.valueType;
	}

	public static ChunkEncoding of(int code) {
		for (ChunkEncoding encoding : values()) {
			if (encoding.code == code) {
				return encoding;
			}
		}
		throw new CorruptionException("Unknown chunk encoding " + code);
	}

	public static ChunkEncoding of(ValueType type) {
		return switch (type) {
			case FLOAT -> XOR;
			case HISTOGRAM -> HISTOGRAM;
			case FLOAT_HISTOGRAM -> FLOAT_HISTOGRAM;
			case NONE -> throw new IllegalArgumentException("No encoding holds no samples");
		};
	}

}
