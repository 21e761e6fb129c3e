package io.prometheusrelay.apiserver.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.apiserver.query.InvalidQueryException;
import io.prometheusrelay.apiserver.query.SeriesSelector;
import io.prometheusrelay.apiserver.store.LatestIndex;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.PrometheusServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code prometheus.PrometheusService}: the original {@code GetMetrics} (one TimeSeries per message)
 * and {@code GetMetricsBatches} (MetricsBatch messages of many series).
 * <p>
 * The methods are the generated descriptors bound to a pass-through response marshaller: responses
 * are written from the index's encoded labels without building protobuf objects, and the schema
 * descriptor is kept, so server reflection describes the service as generated.
 */
public final class PrometheusGrpcService {

	private static final Logger logger = LoggerFactory.getLogger(PrometheusGrpcService.class);

	private static final MethodDescriptor<GetMetricsRequest, EncodedMessage> GET_METRICS = PrometheusServiceGrpc
		.getGetMetricsMethod()
		.toBuilder(PrometheusServiceGrpc.getGetMetricsMethod().getRequestMarshaller(), EncodedMessage.MARSHALLER)
		.build();

	private static final MethodDescriptor<GetMetricsRequest, EncodedMessage> GET_METRICS_BATCHES = PrometheusServiceGrpc
		.getGetMetricsBatchesMethod()
		.toBuilder(PrometheusServiceGrpc.getGetMetricsBatchesMethod().getRequestMarshaller(), EncodedMessage.MARSHALLER)
		.build();

	private final LatestIndex index;

	private final ReadLimits limits;

	private final GrpcMetrics metrics;

	public PrometheusGrpcService(LatestIndex index, ReadLimits limits, MeterRegistry registry) {
		this.index = index;
		this.limits = limits;
		this.metrics = new GrpcMetrics(registry);
	}

	public ServerServiceDefinition bindService() {
		ServiceDescriptor descriptor = ServiceDescriptor.newBuilder(PrometheusServiceGrpc.SERVICE_NAME)
			.setSchemaDescriptor(PrometheusServiceGrpc.getServiceDescriptor().getSchemaDescriptor())
			.addMethod(GET_METRICS)
			.addMethod(GET_METRICS_BATCHES)
			.build();
		return ServerServiceDefinition.builder(descriptor)
			.addMethod(GET_METRICS, ServerCalls.asyncServerStreamingCall(this::getMetrics))
			.addMethod(GET_METRICS_BATCHES, ServerCalls.asyncServerStreamingCall(this::getMetricsBatches))
			.build();
	}

	/** Streaming calls in progress, both methods. */
	public int activeCalls() {
		return this.metrics.activeCalls();
	}

	private void getMetrics(GetMetricsRequest request, StreamObserver<EncodedMessage> observer) {
		stream(request, observer, false);
	}

	private void getMetricsBatches(GetMetricsRequest request, StreamObserver<EncodedMessage> observer) {
		stream(request, observer, true);
	}

	private void stream(GetMetricsRequest request, StreamObserver<EncodedMessage> observer, boolean batched) {
		if (activeCalls() >= this.limits.maxConcurrentCalls()) {
			this.metrics.exhausted();
			observer.onError(Status.RESOURCE_EXHAUSTED
				.withDescription("too many streaming calls (" + this.limits.maxConcurrentCalls() + "); retry later")
				.asRuntimeException());
			return;
		}
		SeriesSource series;
		try {
			series = open(request);
		}
		catch (InvalidQueryException ex) {
			this.metrics.invalid();
			logger.debug("Read request {} refused: {}", request.getId(), ex.getMessage());
			observer.onError(Status.INVALID_ARGUMENT.withDescription(ex.getMessage()).asRuntimeException());
			return;
		}
		catch (UnsupportedModeException ex) {
			observer.onError(Status.UNIMPLEMENTED.withDescription(ex.getMessage()).asRuntimeException());
			return;
		}
		MessageSource messages = batched
				? MessageSource.batched(series, this.limits.maxBatchSeries(), this.limits.maxBatchBytes())
				: MessageSource.single(series);
		new StreamingCall((ServerCallStreamObserver<EncodedMessage>) observer, messages,
				batched ? this.metrics.getMetricsBatches : this.metrics.getMetrics)
			.start();
	}

	private SeriesSource open(GetMetricsRequest request) {
		SeriesSelector selector = SeriesSelector.compile(request.getMatchersList(), this.limits.maxMatchers(),
				this.limits.maxRegexLength());
		return switch (request.getMode()) {
			case LATEST -> new LatestSource(this.index, selector);
			case RANGE, FOLLOW -> throw new UnsupportedModeException(
					"mode " + request.getMode() + " is not served by this api-server version yet; use LATEST");
			case UNRECOGNIZED -> throw new InvalidQueryException("unknown mode " + request.getModeValue());
		};
	}

	/** A mode this server does not serve (yet): UNIMPLEMENTED, which a client can tell from a bad request. */
	private static final class UnsupportedModeException extends RuntimeException {

		UnsupportedModeException(String message) {
			super(message, null, false, false);
		}

	}

}
