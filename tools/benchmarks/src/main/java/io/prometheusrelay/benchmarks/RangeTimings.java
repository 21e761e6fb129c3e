package io.prometheusrelay.benchmarks;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.MetricsBatch;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;

/**
 * {@link StoreReadBenchmark}'s RANGE calls to one api-server, for 1,000 series
 * ({@code __name__=~"bench_metric_(7|8)"}), each timed on the server and at this client on loopback.
 * The server's time is its own {@code relay_grpc_call_duration_seconds}: the histogram's sum before
 * and after the call.
 */
final class RangeTimings {

	private final SystemUnderTest sut;

	private final String name;

	private final ManagedChannel channel;

	private final int calls;

	RangeTimings(SystemUnderTest sut, String name, ManagedChannel channel, int calls) {
		this.sut = sut;
		this.name = name;
		this.channel = channel;
		this.calls = calls;
	}

	/** Times {@code calls} RANGE calls for [from, to], after as many untimed ones; one results row. */
	String row(String store, String where, long from, long to) throws Exception {
		// Untimed first: measured without them, seven block calls after the first nineteen used 3-5 times
		// the server CPU of the others, most likely the compiler at work; a server at work has it compiled.
		for (int call = 0; call < this.calls; call++) {
			rangeCall(from, to);
		}
		long[] client = new long[this.calls];
		double[] server = new double[this.calls];
		long samples = 0;
		for (int call = 0; call < this.calls; call++) {
			double serverBefore = serverSeconds();
			long started = System.nanoTime();
			long read = rangeCall(from, to);
			client[call] = System.nanoTime() - started;
			server[call] = (serverSeconds() - serverBefore) * 1e3;
			samples = read;
		}
		double clientFirst = client[0] / 1e6;
		double serverFirst = server[0];
		Arrays.sort(client);
		Arrays.sort(server);
		return String.format("| %s | %s | %,d | %.1f | %.1f | %.1f (%.1f) | %.1f | %.1f | %.1f (%.1f) |", store, where,
				samples, server[this.calls / 2], server[this.calls * 9 / 10], server[this.calls - 1], serverFirst,
				client[this.calls / 2] / 1e6, client[this.calls * 9 / 10] / 1e6, client[this.calls - 1] / 1e6, clientFirst);
	}

	/** One RANGE call for [from, to], read to its end; the samples it returned. */
	private long rangeCall(long from, long to) {
		Iterator<MetricsBatch> batches = PrometheusServiceGrpc.newBlockingStub(this.channel)
			.withDeadlineAfter(60, TimeUnit.SECONDS)
			.getMetricsBatches(GetMetricsRequest.newBuilder()
				.setMode(ReadMode.RANGE)
				.setStartTimestampMs(from)
				.setEndTimestampMs(to)
				.addMatchers(LabelMatcher.newBuilder()
					.setName("__name__")
					.setValue("bench_metric_(7|8)")
					.setType(LabelMatcher.Type.RE))
				.build());
		long read = 0;
		while (batches.hasNext()) {
			for (TimeSeries series : batches.next().getTimeSeriesList()) {
				read += series.getSamplesCount();
			}
		}
		return read;
	}

	/** One call right after the start: cold code, and the start's own work still running. */
	String firstCall(String store, long from, long to) throws Exception {
		double serverBefore = serverSeconds();
		long started = System.nanoTime();
		long samples = rangeCall(from, to);
		double client = (System.nanoTime() - started) / 1e6;
		double server = (serverSeconds() - serverBefore) * 1e3;
		return String.format("| %s | %,d | %.1f | %.1f |", store, samples, server, client);
	}

	/**
	 * Waits, up to a minute, until the api-server has used less than 5% of a core for a whole second:
	 * until what its start set going (the collector compacting the loaded head, the compiler) is done,
	 * so that the timed calls measure a server at work, not one still starting.
	 */
	void settle() throws Exception {
		long pid = this.sut.pids().get(this.name);
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
		ProcessStats before = ProcessStats.of(pid);
		while (System.nanoTime() < deadline) {
			Thread.sleep(1000);
			ProcessStats now = ProcessStats.of(pid);
			if (now.minus(before).cpuSeconds() < 0.05) {
				return;
			}
			before = now;
		}
		System.err.println("The api-server kept using more than 5% of a core for a minute; timing it anyway");
	}

	/** The api-server's total seconds in RANGE calls of GetMetricsBatches so far. */
	private double serverSeconds() throws Exception {
		for (String line : this.sut.metrics(this.name).split("\n")) {
			if (line.startsWith("relay_grpc_call_duration_seconds_sum{") && line.contains("method=\"GetMetricsBatches\"")
					&& line.contains("mode=\"range\"")) {
				return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		throw new IllegalStateException("The api-server exposes no relay_grpc_call_duration_seconds for RANGE");
	}

}
