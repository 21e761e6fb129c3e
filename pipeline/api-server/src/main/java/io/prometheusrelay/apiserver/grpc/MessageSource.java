package io.prometheusrelay.apiserver.grpc;

import java.util.Arrays;

import io.prometheusrelay.apiserver.store.IndexedSeries;
import org.jspecify.annotations.Nullable;

/** Turns series into response messages: one TimeSeries each, or MetricsBatches of many. */
abstract class MessageSource {

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
				IndexedSeries next = this.series.next();
				if (next == null) {
					return null;
				}
				counted(1);
				return new EncodedMessage(
						SeriesEncoding.timeSeries(next));
			}
		};
	}

	/** MetricsBatches of at most {@code maxSeries} series and about {@code maxBytes} ({@code GetMetricsBatches}). */
	static MessageSource batched(SeriesSource series, int maxSeries, int maxBytes) {
		return new MessageSource(series) {

			private byte[] buffer = new byte[Math.min(maxBytes, 64 * 1024)];

			@Override
			@Nullable EncodedMessage build() {
				int pos = 0;
				int count = 0;
				while (count < maxSeries) {
					IndexedSeries next = this.series.next();
					if (next == null) {
						break;
					}
					int size = SeriesEncoding.timeSeriesSize(next);
					int element = SeriesEncoding.batchElementSize(size);
					if (pos + element > this.buffer.length) {
						this.buffer = Arrays.copyOf(this.buffer, Math.max(pos + element, this.buffer.length * 2));
					}
					pos = SeriesEncoding.writeBatchElementPrefix(this.buffer, pos, size);
					pos = SeriesEncoding.writeTimeSeries(this.buffer, pos, next);
					count++;
					if (pos >= maxBytes) {
						break;
					}
				}
				if (count == 0) {
					return null;
				}
				counted(count);
				return new EncodedMessage(Arrays.copyOf(this.buffer, pos));
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
