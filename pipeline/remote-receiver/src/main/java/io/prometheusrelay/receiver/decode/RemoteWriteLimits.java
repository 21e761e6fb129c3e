package io.prometheusrelay.receiver.decode;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What one remote-write request may hold.
 *
 * @param maxBodyBytes compressed body
 * @param maxDecodedBytes decoded protobuf, as declared by the snappy header (checked before decoding)
 * @param maxSeries series in one request
 * @param maxLabelsPerSeries labels of one series
 * @param maxLabelNameBytes UTF-8 bytes of one label name
 * @param maxLabelValueBytes UTF-8 bytes of one label value
 * @param maxFutureSkew samples stamped further than this in the future are rejected
 * @param maxSymbols symbols of one remote-write 2.0 request
 * @param maxSampleAge samples older than this are rejected; null accepts any age
 */
public record RemoteWriteLimits(long maxBodyBytes, long maxDecodedBytes, int maxSeries, int maxLabelsPerSeries,
		int maxLabelNameBytes, int maxLabelValueBytes, int maxSymbols, Duration maxFutureSkew,
		@Nullable Duration maxSampleAge) {
}
