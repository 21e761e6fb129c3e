package io.prometheusrelay.protocol.remotewrite;

import java.io.ByteArrayOutputStream;

/**
 * Builds an encoded {@code prometheus.WriteRequest} from parts of other encoded requests, copying
 * bytes rather than re-encoding: used to keep only the valid series of a request.
 */
public final class WriteRequestWriter {

	private static final int TIMESERIES_TAG = (1 << 3) | ProtoCursor.LEN;

	private static final int METADATA_TAG = (3 << 3) | ProtoCursor.LEN;

	private final ByteArrayOutputStream out;

	public WriteRequestWriter(int expectedBytes) {
		this.out = new ByteArrayOutputStream(expectedBytes);
	}

	/** Appends the encoded TimeSeries the view points at. */
	public WriteRequestWriter series(EncodedSeries series) {
		return series(series.buffer(), series.offset(), series.length());
	}

	/** Appends one encoded TimeSeries message. */
	public WriteRequestWriter series(byte[] buf, int offset, int length) {
		return field(TIMESERIES_TAG, buf, offset, length);
	}

	/** Appends one encoded MetricMetadata message. */
	public WriteRequestWriter metadata(byte[] buf, int offset, int length) {
		return field(METADATA_TAG, buf, offset, length);
	}

	private WriteRequestWriter field(int tag, byte[] buf, int offset, int length) {
		byte[] prefix = new byte[6];
		prefix[0] = (byte) tag;
		int prefixLength = EncodedSeries.writeVarint(prefix, 1, length);
		this.out.write(prefix, 0, prefixLength);
		this.out.write(buf, offset, length);
		return this;
	}

	public byte[] toByteArray() {
		return this.out.toByteArray();
	}

}
