package io.prometheusrelay.apiserver.grpc;

/**
 * Bounds of the read API.
 *
 * @param maxConcurrentCalls streaming calls at once; more are refused with RESOURCE_EXHAUSTED
 * @param maxCallsPerClient streaming calls one client has at once (see {@link CallsPerClient}); more
 * are refused with RESOURCE_EXHAUSTED
 * @param maxMatchers matchers in one request; more are INVALID_ARGUMENT
 * @param maxRegexLength characters of one regular expression; longer is INVALID_ARGUMENT
 * @param maxRegexProgramSize instructions of one compiled regular expression (RE2/J's program size);
 * larger is INVALID_ARGUMENT. Matching costs up to this many steps per byte of a label value
 * @param maxBatchSeries series in one MetricsBatch
 * @param maxBatchBytes bytes of one MetricsBatch (a batch stops growing once past it)
 * @param maxConcurrentRangeReads RANGE calls reading segment files at once; more are RESOURCE_EXHAUSTED
 * @param maxFollowLagBatches stored batches a FOLLOW call may lag behind; past it the call ends with
 * RESOURCE_EXHAUSTED (the client calls again) instead of the server queueing without bound
 */
public record ReadLimits(int maxConcurrentCalls, int maxCallsPerClient, int maxMatchers, int maxRegexLength, int maxRegexProgramSize,
		int maxBatchSeries,
		int maxBatchBytes, int maxConcurrentRangeReads, int maxFollowLagBatches) {
}
