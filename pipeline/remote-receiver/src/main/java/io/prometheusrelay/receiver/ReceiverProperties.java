package io.prometheusrelay.receiver;

import java.time.Duration;

import io.prometheusrelay.pipeline.auth.AuthProperties;
import io.prometheusrelay.pipeline.discovery.NextHopSettings;
import io.prometheusrelay.pipeline.discovery.RelayTargetsProperties;
import io.prometheusrelay.pipeline.settings.PipelineLimits;
import io.prometheusrelay.receiver.decode.RemoteWriteLimits;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/** Configuration of the remote-receiver, under {@code relay.receiver}. */
@ConfigurationProperties("relay.receiver")
public class ReceiverProperties implements NextHopSettings {

	/**
	 * How long a request waits for the forwarder's ACK or NACK before it is answered 503. Keep it
	 * below Prometheus's remote_timeout (30s by default) so Prometheus sees the 503, not a timeout.
	 */
	private Duration ackDeadline = Duration.ofSeconds(20);

	/** Retry-After sent with 503 answers. */
	private Duration retryAfter = Duration.ofSeconds(1);

	/**
	 * How long a request's body may take to arrive; past it, 503. Prometheus sends a body at once and
	 * gives up after its remote_timeout (30s), so only a stalled or hostile sender is cut off. 503, not
	 * 408, because Prometheus retries a 503 and would drop the batch on a 4xx.
	 */
	private Duration bodyTimeout = Duration.ofSeconds(30);

	private final Limits limits = new Limits();

	/** Who may write; with no credentials configured, anyone who can reach the port may. */
	@NestedConfigurationProperty
	private final AuthProperties auth = new AuthProperties();

	/** The forwarders batches are relayed to; the first connected one is used, the others are failovers. */
	@NestedConfigurationProperty
	private final RelayTargetsProperties forwarders = RelayTargetsProperties.following("forwarder");

	public Duration getAckDeadline() {
		return this.ackDeadline;
	}

	public void setAckDeadline(Duration ackDeadline) {
		this.ackDeadline = ackDeadline;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	public Duration getBodyTimeout() {
		return this.bodyTimeout;
	}

	public void setBodyTimeout(Duration bodyTimeout) {
		this.bodyTimeout = bodyTimeout;
	}

	public Limits getLimits() {
		return this.limits;
	}

	public AuthProperties getAuth() {
		return this.auth;
	}

	public RelayTargetsProperties getForwarders() {
		return this.forwarders;
	}

	@Override
	public RelayTargetsProperties nextHop() {
		return this.forwarders;
	}

	/** What one request may hold, and what all requests in progress may hold together. */
	public static class Limits {

		/** Largest compressed request body; larger bodies are answered 413. */
		private DataSize maxBodySize = DataSize.ofMegabytes(16);

		/**
		 * Largest decoded request, as declared by the snappy header and checked before decoding; 413 past
		 * it. The relay servers' default frame limit carries this much; raise both together.
		 */
		private DataSize maxDecodedSize = PipelineLimits.MAX_BATCH;

		/** Most series in one request; 413 past it. */
		private int maxSeriesPerRequest = 100_000;

		/** Most labels on one series; the series is rejected past it. */
		private int maxLabelsPerSeries = 128;

		/** Longest label name, in UTF-8 bytes; the series is rejected past it. */
		private int maxLabelNameLength = 1024;

		/** Longest label value, in UTF-8 bytes; the series is rejected past it. */
		private int maxLabelValueLength = 16 * 1024;

		/**
		 * Most symbols in a remote-write 2.0 request's symbols table (each at most max-label-value-length
		 * bytes); 400 past it, before any reference is followed.
		 */
		private int maxSymbolsPerRequest = 1_000_000;

		/** Series with samples stamped further than this in the future are rejected. */
		private Duration maxFutureSkew = Duration.ofMinutes(10);

		/** Series with samples older than this are rejected; unset accepts any age. */
		private @Nullable Duration maxSampleAge;

		/** Bytes all requests in progress may hold (bodies and decoded batches); past it, 503. */
		private DataSize maxInFlightSize = DataSize.ofMegabytes(256);

		public RemoteWriteLimits toLimits() {
			return new RemoteWriteLimits(this.maxBodySize.toBytes(), this.maxDecodedSize.toBytes(),
					this.maxSeriesPerRequest, this.maxLabelsPerSeries, this.maxLabelNameLength,
					this.maxLabelValueLength, this.maxSymbolsPerRequest, this.maxFutureSkew, this.maxSampleAge);
		}

		public int getMaxSymbolsPerRequest() {
			return this.maxSymbolsPerRequest;
		}

		public void setMaxSymbolsPerRequest(int maxSymbolsPerRequest) {
			this.maxSymbolsPerRequest = maxSymbolsPerRequest;
		}

		public DataSize getMaxBodySize() {
			return this.maxBodySize;
		}

		public void setMaxBodySize(DataSize maxBodySize) {
			this.maxBodySize = maxBodySize;
		}

		public DataSize getMaxDecodedSize() {
			return this.maxDecodedSize;
		}

		public void setMaxDecodedSize(DataSize maxDecodedSize) {
			this.maxDecodedSize = maxDecodedSize;
		}

		public int getMaxSeriesPerRequest() {
			return this.maxSeriesPerRequest;
		}

		public void setMaxSeriesPerRequest(int maxSeriesPerRequest) {
			this.maxSeriesPerRequest = maxSeriesPerRequest;
		}

		public int getMaxLabelsPerSeries() {
			return this.maxLabelsPerSeries;
		}

		public void setMaxLabelsPerSeries(int maxLabelsPerSeries) {
			this.maxLabelsPerSeries = maxLabelsPerSeries;
		}

		public int getMaxLabelNameLength() {
			return this.maxLabelNameLength;
		}

		public void setMaxLabelNameLength(int maxLabelNameLength) {
			this.maxLabelNameLength = maxLabelNameLength;
		}

		public int getMaxLabelValueLength() {
			return this.maxLabelValueLength;
		}

		public void setMaxLabelValueLength(int maxLabelValueLength) {
			this.maxLabelValueLength = maxLabelValueLength;
		}

		public Duration getMaxFutureSkew() {
			return this.maxFutureSkew;
		}

		public void setMaxFutureSkew(Duration maxFutureSkew) {
			this.maxFutureSkew = maxFutureSkew;
		}

		public @Nullable Duration getMaxSampleAge() {
			return this.maxSampleAge;
		}

		public void setMaxSampleAge(@Nullable Duration maxSampleAge) {
			this.maxSampleAge = maxSampleAge;
		}

		public DataSize getMaxInFlightSize() {
			return this.maxInFlightSize;
		}

		public void setMaxInFlightSize(DataSize maxInFlightSize) {
			this.maxInFlightSize = maxInFlightSize;
		}

	}

}
