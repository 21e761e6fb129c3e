package io.prometheusrelay.apiserver.grpc;

/**
 * Bounds of the read API.
 *
 * @param maxConcurrentCalls streaming calls at once; more are refused with RESOURCE_EXHAUSTED
 * @param maxMatchers matchers in one request; more are INVALID_ARGUMENT
 * @param maxRegexLength characters of one regular expression; longer is INVALID_ARGUMENT
 * @param maxBatchSeries series in one MetricsBatch
 * @param maxBatchBytes bytes of one MetricsBatch (a batch stops growing once past it)
 */
public record ReadLimits(int maxConcurrentCalls, int maxMatchers, int maxRegexLength, int maxBatchSeries,
		int maxBatchBytes) {
}
