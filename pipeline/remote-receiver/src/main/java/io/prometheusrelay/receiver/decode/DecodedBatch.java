package io.prometheusrelay.receiver.decode;

import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A request after decoding and validation.
 *
 * @param payload the encoded WriteRequest to relay: the request as sent when every series is valid,
 * otherwise the valid series (and the metadata) copied out of it
 * @param series series kept
 * @param samples samples and histogram samples kept
 * @param histograms histogram samples kept (of {@code samples})
 * @param exemplars exemplars kept
 * @param metadata metric family metadata entries kept
 * @param rejected series left out, by reason
 * @param firstProblem what was wrong with the first invalid histogram or exemplar, or null
 */
public record DecodedBatch(byte[] payload, int series, long samples, long histograms, long exemplars, int metadata,
		Map<RejectReason, Integer> rejected,
		@Nullable String firstProblem) {

	public DecodedBatch {
		rejected = Map.copyOf(rejected);
	}

	public int rejectedSeries() {
		return this.rejected.values().stream().mapToInt(Integer::intValue).sum();
	}

	/** For the 400 answer: {@code "2 series rejected: 1 duplicate_label_name, 1 invalid_utf8"}. */
	public String describeRejections() {
		return rejectedSeries() + " series rejected: " + this.rejected.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.map(entry -> entry.getValue() + " " + entry.getKey().tag())
			.collect(Collectors.joining(", ")) + ((this.firstProblem != null) ? " (" + this.firstProblem + ")" : "");
	}

}
