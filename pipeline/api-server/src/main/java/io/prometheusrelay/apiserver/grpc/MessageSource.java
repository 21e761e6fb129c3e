package io.prometheusrelay.apiserver.grpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.google.protobuf.CodedOutputStream;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import org.jspecify.annotations.Nullable;

/** Turns series messages into response messages: one TimeSeries each, or MetricsBatches of many. */
abstract class MessageSource {

	/** MetricsBatch.timeSeries, field 1. */
	private static final int BATCH_SERIES_FIELD = 1;

	final SeriesSource series;

	private int seriesInLastMessage;

	MessageSource(SeriesSource series) {
		this.series = series;
	}

	/** One TimeSeries per message ({@code GetMetrics}). */
	static MessageSource single(SeriesSource series) {
		return new MessageSource(series) {
			@Override
			@Nullable EncodedMessage build() {
				TimeSeries next = this.series.next();
				if (next == null) {
					return null;
				}
				counted(1);
				return new EncodedMessage(next.toByteArray());
			}
		};
	}

	/** MetricsBatches of at most {@code maxSeries} series and about {@code maxBytes} ({@code GetMetricsBatches}). */
	static MessageSource batched(SeriesSource series, int maxSeries, int maxBytes) {
		return new MessageSource(series) {
			@Override
			@Nullable EncodedMessage build() {
				ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.min(maxBytes, 64 * 1024));
				CodedOutputStream out = CodedOutputStream.newInstance(bytes);
				int count = 0;
				try {
					while (count < maxSeries && out.getTotalBytesWritten() < maxBytes) {
						TimeSeries next = this.series.next();
						if (next == null) {
							break;
						}
						out.writeMessage(BATCH_SERIES_FIELD, next);
						count++;
					}
					out.flush();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
				if (count == 0) {
					return null;
				}
				counted(count);
				return new EncodedMessage(bytes.toByteArray());
			}
		};
	}

	/** The next message, or null when the series source has none now. */
	abstract @Nullable EncodedMessage build();

	/** Series in the message {@link #build()} returned last. */
	int seriesInLastMessage() {
		return this.seriesInLastMessage;
	}

	void counted(int series) {
		this.seriesInLastMessage = series;
	}

	boolean isExhausted() {
		return this.series.isExhausted();
	}

	void close() {
		this.series.close();
	}

}
