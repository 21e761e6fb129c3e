package io.prometheusrelay.pipeline.settings;

import io.prometheusrelay.protocol.frame.RelayFrame;

import org.springframework.util.unit.DataSize;

/**
 * The largest batch the pipeline carries, in one place: the receiver's default limit on a decoded
 * request, and what the relay servers' default frame limit has room for, so that every batch the
 * receiver accepts by default reaches every api-server. (Both 64 MiB once, the frame limit counting
 * its 18 bytes of framing: a batch just under the receiver's limit was NACKed as never retryable,
 * and Prometheus dropped it.)
 */
public final class PipelineLimits {

	/** The receiver's largest decoded request, and the largest batch a relay frame carries by default. */
	public static final DataSize MAX_BATCH = DataSize.ofMegabytes(64);

	/** The relay servers' default frame limit: the largest batch and its framing. */
	public static final DataSize MAX_FRAME = DataSize
		.ofBytes(MAX_BATCH.toBytes() + RelayFrame.HEADER_BYTES + RelayFrame.TRAILER_BYTES);

	private PipelineLimits() {
	}

}
