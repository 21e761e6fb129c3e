package io.prometheusrelay.apiserver.catchup;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One peer, as reported.
 * @param address host:port of its gRPC API
 * @param self whether it is this replica
 * @param lackingBatches batches it holds that this replica lacks
 * @param copiedBatches batches whose samples were copied from it since start
 * @param copiedSamples samples and histograms copied from it since start (a range copied holds the
 * lacking batches' samples and others this replica had, which it stores once)
 * @param lastCompared when the inventory of the last comparison was asked for (it holds what the peer
 * stored until then), null if never
 * @param lastError why the last comparison or copy failed, null if it did not
 */
public record PeerReport(String address, boolean self, long lackingBatches, long copiedBatches, long copiedSamples,
		@Nullable Instant lastCompared, @Nullable String lastError) {

	static PeerReport of(PeerStatus status) {
		return new PeerReport(status.address, status.self, status.lackingBatches.get(), status.copiedBatches.get(),
				status.copiedSamples.get(), status.lastCompared, status.lastError);
	}

	/** The report as health details. */
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		if (this.self) {
			details.put("self", true);
			return details;
		}
		details.put("lackingBatches", this.lackingBatches);
		details.put("copiedBatches", this.copiedBatches);
		details.put("copiedSamples", this.copiedSamples);
		details.put("lastCompared", (this.lastCompared != null) ? this.lastCompared.toString() : "never");
		if (this.lastError != null) {
			details.put("lastError", this.lastError);
		}
		return details;
	}

}
