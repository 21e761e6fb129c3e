package io.prometheusrelay.grpcclient;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.MetricsBatch;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc.PrometheusServiceBlockingStub;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a stream of series: {@code GetMetricsBatches} (many series per message), or the original
 * {@code GetMetrics} when the server answers that it does not implement the batched method.
 * Takes a {@link Channel}, so tests can hand it any channel.
 */
final class MetricsReader {

	private static final Logger logger = LoggerFactory.getLogger(MetricsReader.class);

	private final Channel channel;

	MetricsReader(Channel channel) {
		this.channel = channel;
	}

	/**
	 * Streams every series of the request into {@code out}.
	 * @return the number of series read
	 * @throws StatusRuntimeException when the call fails
	 */
	long read(GetMetricsRequest request, @Nullable Duration deadline, SeriesWriter out) {
		long series = 0;
		Iterator<MetricsBatch> batches = stub(deadline).getMetricsBatches(request);
		try {
			while (batches.hasNext()) {
				for (TimeSeries timeSeries : batches.next().getTimeSeriesList()) {
					out.write(timeSeries);
					series++;
				}
			}
			return series;
		}
		catch (StatusRuntimeException ex) {
			if (ex.getStatus().getCode() != Status.Code.UNIMPLEMENTED || series > 0
					|| !isUnknownMethod(ex.getStatus())) {
				throw ex;
			}
			logger.info("Server does not implement GetMetricsBatches; using GetMetrics");
		}
		Iterator<TimeSeries> single = stub(deadline).getMetrics(request);
		while (single.hasNext()) {
			out.write(single.next());
			series++;
		}
		return series;
	}

	/** UNIMPLEMENTED for the method itself (an older server), not for a mode the server does not serve. */
	private static boolean isUnknownMethod(Status status) {
		String description = status.getDescription();
		return description == null || description.contains("Method not found") || description.contains("GetMetricsBatches");
	}

	private PrometheusServiceBlockingStub stub(@Nullable Duration deadline) {
		PrometheusServiceBlockingStub stub = PrometheusServiceGrpc.newBlockingStub(this.channel);
		return (deadline != null) ? stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS) : stub;
	}

}
