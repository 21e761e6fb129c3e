package io.prometheusrelay.apiserver.grpc;

import io.prometheusrelay.apiserver.store.IndexedSeries;

/**
 * Writes TimeSeries and MetricsBatch messages in protobuf wire form from a series key (the encoded
 * {@code labels} field) and a sample, or an encoded histogram or exemplar.
 */
final class SeriesEncoding {

	/** Sample: value (fixed64, field 1) and timestamp (varint, field 2). */
	private static final int SAMPLE_FIELD_TAG = (2 << 3) | 2;

	/** TimeSeries.exemplars (field 3). */
	private static final int EXEMPLAR_FIELD_TAG = (3 << 3) | 2;

	/** TimeSeries.histograms (field 4). */
	private static final int HISTOGRAM_FIELD_TAG = (4 << 3) | 2;

	/** TimeSeries.metadata (field 5, this project's). */
	private static final int METADATA_FIELD_TAG = (5 << 3) | 2;

	/** TimeSeries.created_timestamp (field 6, this project's; a varint). */
	private static final int CREATED_TIMESTAMP_FIELD_TAG = 6 << 3;

	private static final int BATCH_SERIES_FIELD_TAG = (1 << 3) | 2;

	private SeriesEncoding() {
	}

	static int sampleFieldSize(long timestamp) {
		int sample = sampleMessageSize(timestamp);
		return 1 + varintSize(sample) + sample;
	}

	private static int sampleMessageSize(long timestamp) {
		return 1 + 8 + 1 + varintSize(timestamp);
	}

	/** Size of a TimeSeries of the series' labels with its one sample, histogram or exemplar. */
	static int timeSeriesSize(IndexedSeries series) {
		byte[] message = series.message();
		int data = (message != null) ? 1 + varintSize(message.length) + message.length
				: sampleFieldSize(series.timestamp());
		long created = series.createdTimestamp();
		return series.key().encodedLabels().length + data + ((created != 0) ? 1 + varintSize(created) : 0);
	}

	/** A TimeSeries of the series' labels with its one sample, histogram or exemplar. */
	static byte[] timeSeries(IndexedSeries series) {
		byte[] out = new byte[timeSeriesSize(series)];
		writeTimeSeries(out, 0, series);
		return out;
	}

	/**
	 * Writes a TimeSeries of the series' labels with its one sample, histogram or exemplar at
	 * {@code pos} (a histogram or exemplar as stored: the encoded message is copied); returns the
	 * position after it.
	 */
	static int writeTimeSeries(byte[] out, int pos, IndexedSeries series) {
		byte[] labels = series.key().encodedLabels();
		System.arraycopy(labels, 0, out, pos, labels.length);
		pos += labels.length;
		byte[] message = series.message();
		if (message != null) {
			out[pos++] = (byte) switch (series.kind()) {
				case EXEMPLAR -> EXEMPLAR_FIELD_TAG;
				case METADATA -> METADATA_FIELD_TAG;
				default -> HISTOGRAM_FIELD_TAG;
			};
			pos = writeVarint(out, pos, message.length);
			System.arraycopy(message, 0, out, pos, message.length);
			pos += message.length;
		}
		else {
			out[pos++] = (byte) SAMPLE_FIELD_TAG;
			pos = writeVarint(out, pos, sampleMessageSize(series.timestamp()));
			out[pos++] = 0x09;
			long bits = Double.doubleToRawLongBits(series.value());
			for (int i = 0; i < 8; i++) {
				out[pos++] = (byte) (bits >>> (8 * i));
			}
			out[pos++] = 0x10;
			pos = writeVarint(out, pos, series.timestamp());
		}
		if (series.createdTimestamp() != 0) {
			out[pos++] = (byte) CREATED_TIMESTAMP_FIELD_TAG;
			pos = writeVarint(out, pos, series.createdTimestamp());
		}
		return pos;
	}

	/** Size of one TimeSeries as an element of a MetricsBatch (tag and length prefix included). */
	static int batchElementSize(int timeSeriesSize) {
		return 1 + varintSize(timeSeriesSize) + timeSeriesSize;
	}

	/** Writes the tag and length prefix of a MetricsBatch element; returns the position after it. */
	static int writeBatchElementPrefix(byte[] out, int pos, int timeSeriesSize) {
		out[pos++] = (byte) BATCH_SERIES_FIELD_TAG;
		return writeVarint(out, pos, timeSeriesSize);
	}

	static int varintSize(long value) {
		int size = 1;
		while ((value & ~0x7FL) != 0) {
			value >>>= 7;
			size++;
		}
		return size;
	}

	static int writeVarint(byte[] out, int pos, long value) {
		while ((value & ~0x7FL) != 0) {
			out[pos++] = (byte) ((value & 0x7F) | 0x80);
			value >>>= 7;
		}
		out[pos++] = (byte) value;
		return pos;
	}

}
