package io.prometheusrelay.tsdb.model;

/**
 * Prometheus's staleness marker: a NaN with one particular payload, which marks the end of a series.
 * It must survive bit for bit, so values are compared and stored by their bits, never as doubles.
 */
public final class StaleNaN {

	public static final long BITS = 0x7ff0000000000002L;

	public static final double VALUE = Double.longBitsToDouble(BITS);

	private StaleNaN() {
	}

	public static boolean is(double value) {
		return Double.doubleToRawLongBits(value) == BITS;
	}

}
